"""Credit repair (信用修复): eligibility, applications, review, effects, objections."""
