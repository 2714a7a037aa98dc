package registry.es;

import java.util.List;
import java.util.function.IntPredicate;

import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.TokenizerFactory;

/** The ngram tokenizer: Lucene's NGramTokenizer, keeping only the character classes in token_chars. */
final class NGramTokenizerFactory implements TokenizerFactory {
    private final String name;
    private final int min;
    private final int max;
    private final IntPredicate tokenChar;

    NGramTokenizerFactory(IndexSettings index, Environment env, String name, Settings settings) {
        Options.only(settings, "min_gram", "max_gram", "token_chars");
        this.name = name;
        this.min = settings.getAsInt("min_gram", NGramTokenizer.DEFAULT_MIN_NGRAM_SIZE);
        this.max = settings.getAsInt("max_gram", NGramTokenizer.DEFAULT_MAX_NGRAM_SIZE);
        int allowed = index.getMaxNgramDiff();
        if (max - min > allowed) {
            throw new IllegalArgumentException("max_gram - min_gram must be at most " + allowed
                + " (the index setting [index.max_ngram_diff])");
        }
        this.tokenChar = tokenChars(settings.getAsList("token_chars"));
    }

    private static IntPredicate tokenChars(List<String> classes) {
        IntPredicate any = c -> classes.isEmpty();
        for (String kind : classes) {
            any = any.or(characterClass(kind));
        }
        return any;
    }

    private static IntPredicate characterClass(String kind) {
        return switch (kind) {
            case "letter" -> Character::isLetter;
            case "digit" -> Character::isDigit;
            case "whitespace" -> Character::isWhitespace;
            default -> throw new IllegalArgumentException("token_chars [" + kind + "] is not supported here");
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Tokenizer create() {
        IntPredicate keep = tokenChar;
        return new NGramTokenizer(min, max) {
            @Override
            protected boolean isTokenChar(int c) {
                return keep.test(c);
            }
        };
    }
}
