"""Deterministic generator of realistic demo data: market entities, credit records and bad rows.

Pure Python: every random choice comes from one `random.Random(seed)`, and nothing iterates over a
set or a hash-ordered container, so the same seed gives the same output in every process. The
vocabulary (names, violations, laws, licences) is written for Tongliao, Inner Mongolia.

Speed matters (benchmarks generate millions of rows): everything that does not depend on the row
is prepared once per call, and the per-row work is a handful of `random()` calls, list lookups,
one `str.format` and one dict literal.
"""

from __future__ import annotations

import json
from bisect import bisect
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from random import Random

from ..domain import uscc as uscc_rules
from ..records.layout import FIELDS_BY_KEY, KIND_FIELDS, LICENCE, PENALTY

_HERE = Path(__file__).resolve().parent

CITY = "150500"
SPAN_YEARS = 4  # decision dates fall in the last four years before `today`
NATURAL_PERSON_SHARE = 0.02  # of penalties
LICENCE_SHARE = 0.25
PENALTY_TYPE_SEPARATOR = ";"


# --------------------------------------------------------------------------- reference data


def load_departments() -> list[dict]:
    """The shipped source departments of the demo city (departments.json)."""
    return json.loads((_HERE / "departments.json").read_text(encoding="utf-8"))


def load_districts() -> dict[str, str]:
    """Division code → Chinese name for the city and its nine county-level divisions."""
    return json.loads((_HERE / "districts.json").read_text(encoding="utf-8"))


def load_domains() -> dict:
    """{"domains": {key: {"name", "special_sector"}}}: the national domain list (SPEC §3)."""
    return json.loads((_HERE / "domains.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- people

# fmt: off
_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴"
    "孔汤包常鲍乔齐佟关"
)
_MALE_CHARS = (
    "伟强磊军洋勇杰涛明超刚平辉鹏飞宇浩凯亮斌波宁建国文华志春林海峰东新立永生庆祥福利成龙俊鑫瑞博彬旭晨阳广德振"
)
_FEMALE_CHARS = "芳娜敏静丽艳娟秀霞桂英玉萍红梅琳雪婷倩颖慧丹凤兰琴莉燕佳欣悦璐晶月秋香云洁"
_MONGOLIAN_MALE = (
    "巴特尔", "额尔敦", "乌力吉", "阿拉坦", "孟和", "那日苏", "朝鲁", "宝音", "敖日格勒", "巴雅尔",
    "特木尔", "苏和", "毕力格", "吉日嘎拉", "哈斯", "额尔德木图", "白音仓", "格日勒图",
)
_MONGOLIAN_FEMALE = (
    "其木格", "萨仁", "图雅", "苏日娜", "斯琴", "乌兰", "娜仁", "高娃", "琪琪格", "塔娜", "萨日娜",
    "乌日娜", "阿如汗", "敖登",
)
_MONGOLIAN_SURNAMES = "包白宝韩吴"
# fmt: on

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_BIRTH_FIRST = date(1955, 1, 1).toordinal()
_BIRTH_DAYS = date(2000, 12, 31).toordinal() - _BIRTH_FIRST + 1
_ID_REGIONS = ("150502", "150521", "150522", "150523", "150524", "150525", "150526", "150581")


def id_check_digit(first17: str) -> str:
    """Check character of an 18-digit PRC resident ID number (ISO 7064 MOD 11-2)."""
    return _ID_CHECK[sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _person(r, region: str) -> tuple[str, str]:
    """A (name, ID number) pair; gender of the name matches the ID's sequence digit."""
    male = r() < 0.62
    if r() < 0.1:  # Mongolian name, often with a Han-style surname in front
        given = _MONGOLIAN_MALE if male else _MONGOLIAN_FEMALE
        name = given[int(r() * len(given))]
        if r() < 0.5:
            name = _MONGOLIAN_SURNAMES[int(r() * 5)] + name
    else:
        chars = _MALE_CHARS if male else _FEMALE_CHARS
        name = _SURNAMES[int(r() ** 1.8 * len(_SURNAMES))] + chars[int(r() * len(chars))]
        if r() < 0.72:
            name += chars[int(r() * len(chars))]
    if r() < 0.2:
        region = _ID_REGIONS[int(r() * len(_ID_REGIONS))]
    born = date.fromordinal(_BIRTH_FIRST + int(r() * _BIRTH_DAYS))
    seq = int(r() * 500) * 2 + (1 if male else 0)
    first17 = f"{region}{born.year:04d}{born.month:02d}{born.day:02d}{seq:03d}"
    return name, first17 + id_check_digit(first17)


# --------------------------------------------------------------------------- places

# fmt: off
# Share of entities registered in each division (the city itself registers some).
_DISTRICT_WEIGHTS = (
    ("150502", 34), ("150500", 5), ("150571", 7), ("150581", 8), ("150521", 9), ("150522", 7),
    ("150523", 9), ("150524", 5), ("150525", 9), ("150526", 7),
)
# Place prefixes used in registered names, per division.
_PLACES = {
    "150500": ("通辽市", "通辽市", "通辽", "内蒙古"),
    "150502": ("通辽市科尔沁区", "科尔沁区", "科尔沁区", "通辽市", "通辽"),
    "150521": ("科尔沁左翼中旗", "科左中旗", "通辽", "内蒙古"),
    "150522": ("科尔沁左翼后旗", "科左后旗", "通辽", "内蒙古"),
    "150523": ("开鲁县", "开鲁县", "通辽", "内蒙古"),
    "150524": ("库伦旗", "库伦旗", "通辽", "内蒙古"),
    "150525": ("奈曼旗", "奈曼旗", "通辽", "内蒙古"),
    "150526": ("扎鲁特旗", "扎鲁特旗", "通辽", "内蒙古"),
    "150571": ("通辽经济技术开发区", "通辽经济技术开发区", "通辽", "内蒙古"),
    "150581": ("霍林郭勒市", "霍林郭勒", "霍林郭勒市", "内蒙古"),
}
_SHOP_PLACES = {
    "150500": ("通辽市",),
    "150502": ("科尔沁区", "科尔沁区", "通辽市科尔沁区"),
    "150521": ("科尔沁左翼中旗", "科左中旗"),
    "150522": ("科尔沁左翼后旗", "科左后旗"),
    "150523": ("开鲁县",),
    "150524": ("库伦旗",),
    "150525": ("奈曼旗",),
    "150526": ("扎鲁特旗",),
    "150571": ("通辽经济技术开发区",),
    "150581": ("霍林郭勒市",),
}
_TOWNS = {
    "150502": ("大林镇", "钱家店镇", "木里图镇", "余粮堡镇", "清河镇", "育新镇", "敖力布皋镇", "丰田镇"),
    "150521": ("保康镇", "舍伯吐镇", "花吐古拉镇", "宝龙山镇", "架玛吐镇", "巴彦塔拉镇", "门达镇"),
    "150522": ("甘旗卡镇", "吉尔嘎朗镇", "金宝屯镇", "常胜镇", "努古斯台镇", "朝鲁吐镇"),
    "150523": ("开鲁镇", "大榆树镇", "黑龙坝镇", "麦新镇", "义和塔拉镇", "建华镇", "小街基镇", "东风镇"),
    "150524": ("库伦镇", "扣河子镇", "白音花镇", "额勒顺镇", "六家子镇"),
    "150525": ("大沁他拉镇", "八仙筒镇", "青龙山镇", "新镇", "治安镇", "东明镇", "沙日浩来镇"),
    "150526": ("鲁北镇", "黄花山镇", "巨日合镇", "香山镇", "嘎亥图镇"),
}

# --------------------------------------------------------------------------- entity names

# Trade names (字号) are built from two lists so that thousands of combinations exist.
_TRADE_FIRST = "鑫宏恒盛金瑞兴德华博聚天润永佳嘉东昊荣利诚众丰蒙祥福富汇安泰鼎通凯宝隆新远广万合正益和"
_TRADE_SECOND = "源达泰誉丰隆顺远成泽盛禾升发民信穗元祥康宇通辉昌鸿达航茂邦晟越科亿美锦程"
_TRADE_WHOLE = ("乌兰", "巴彦", "塔拉", "草原", "科尔沁", "蒙原", "北疆", "银河", "辽河", "西拉木伦", "红山", "查干")

# industry key → (words for enterprises, words for individual businesses)
_INDUSTRY_WORDS = {
    "trade": (("商贸", "贸易", "工贸", "经贸"), ("五金商店", "日杂商店", "服装店", "家电商店", "手机店", "建材商店")),
    "food_retail": (("超市", "食品销售", "副食品"), ("超市", "便利店", "食杂店", "水果店", "粮油店", "烟酒商店")),
    "food_service": (("餐饮管理", "餐饮服务", "饭店管理"),
                     ("家常菜馆", "饭店", "烧烤店", "面馆", "火锅店", "小吃部", "蒙餐馆", "饺子馆")),
    "food_production": (("食品", "乳业", "肉业", "粮油", "米业", "食品加工"), ()),
    "food_workshop": ((), ("豆腐坊", "馒头店", "熟食加工部", "粉条加工坊")),
    "pharmacy": (("大药房", "大药房连锁", "医药", "医药连锁"), ("药店", "大药房")),
    "medical": (("口腔门诊部", "综合门诊部", "医院管理"), ("诊所", "中医诊所", "口腔诊所")),
    "construction": (("建筑工程", "建设工程", "路桥工程", "建筑安装工程", "装饰工程", "市政工程"), ()),
    "real_estate": (("房地产开发", "置业"), ()),
    "logistics": (("物流", "运输", "汽车运输", "货运", "客运"), ("货运部", "运输队")),
    "chemical": (("化工", "生物科技", "新材料"), ()),
    "building_materials": (("建材", "水泥制品", "商品混凝土", "新型建材"), ()),
    "mining": (("煤业", "矿业", "能源", "煤炭销售"), ()),
    "metallurgy": (("铝业", "铝材", "金属制品"), ()),
    "agri_business": (("农牧业", "牧业", "种业", "饲料", "农业科技"), ()),
    "agri_supply": (("农资", "农资连锁", "农业生产资料"), ("农资商店", "兽药店", "种子经销处")),
    "hotel": (("宾馆", "酒店", "酒店管理"), ("旅店", "宾馆", "家庭旅馆")),
    "entertainment": (("娱乐", "文化娱乐", "网络会所"), ("网吧", "KTV", "台球厅")),
    "auto": (("汽车销售服务", "汽车维修", "汽车服务"), ("汽车修理部", "汽车修配厂", "洗车行", "轮胎店")),
    "fuel": (("石油销售", "燃气", "加油站"), ()),
    "media": (("文化传媒", "广告", "广告传媒"), ("广告部", "图文快印店")),
    "tech": (("科技", "信息技术", "网络科技"), ()),
    "labour": (("劳务", "人力资源服务", "劳务派遣"), ()),
    "property": (("物业服务", "物业管理"), ()),
    "training": (("教育科技", "教育咨询", "职业技能培训"), ()),
    "travel": (("旅行社", "国际旅行社"), ()),
    "heating": (("热力", "供热"), ()),
    "services": ((), ("理发店", "洗浴中心", "美容店", "足浴店")),
}
_ENTERPRISE_INDUSTRY_WEIGHTS = (
    ("trade", 14), ("food_service", 6), ("food_retail", 5), ("food_production", 4), ("pharmacy", 4),
    ("medical", 2), ("construction", 12), ("real_estate", 3), ("logistics", 7), ("chemical", 3),
    ("building_materials", 4), ("mining", 3), ("metallurgy", 1), ("agri_business", 5), ("agri_supply", 2),
    ("hotel", 3),
    ("entertainment", 2), ("auto", 4), ("fuel", 2), ("media", 3), ("tech", 5), ("labour", 2),
    ("property", 2), ("training", 1), ("travel", 1), ("heating", 1),
)
_SHOP_INDUSTRY_WEIGHTS = (
    ("food_service", 28), ("food_retail", 22), ("pharmacy", 4), ("medical", 3), ("auto", 8), ("hotel", 5),
    ("entertainment", 3), ("trade", 15), ("agri_supply", 6), ("logistics", 4), ("services", 8),
    ("food_workshop", 3), ("media", 2),
)
# Coal and aluminium towns weigh heavier where they are.
_DISTRICT_INDUSTRY_BOOST = {"150581": ("mining", "metallurgy"), "150526": ("mining",), "150571": ("chemical",)}

_FORMS = ("有限公司",) * 15 + ("有限责任公司",) * 4 + ("股份有限公司",)
_COOP_PRODUCTS = (
    ("红干椒", "种植"), ("玉米", "种植"), ("杂粮", "种植"), ("荞麦", "种植"), ("葵花", "种植"), ("蔬菜", "种植"),
    ("甜菜", "种植"), ("水稻", "种植"), ("谷子", "种植"), ("中药材", "种植"), ("肉牛", "养殖"), ("黄牛", "养殖"),
    ("肉羊", "养殖"), ("绒山羊", "养殖"), ("生猪", "养殖"), ("蛋鸡", "养殖"), ("奶牛", "养殖"), ("", "农机"),
    ("", "农牧业"),
)
# fmt: on


def _weighted_table(pairs) -> tuple[list, list[int]]:
    keys, cum, total = [], [], 0
    for key, weight in pairs:
        total += weight
        keys.append(key)
        cum.append(total)
    return keys, cum


def _pick(r, table):
    keys, cum = table
    return keys[bisect(cum, r() * cum[-1])]


def _trade_name(r) -> str:
    if r() < 0.06:
        return _TRADE_WHOLE[int(r() * len(_TRADE_WHOLE))]
    a = _TRADE_FIRST[int(r() * len(_TRADE_FIRST))]
    b = _TRADE_SECOND[int(r() * len(_TRADE_SECOND))]
    return a + b if a != b else a + "和"


def _shop_trade_name(r) -> str:
    x = r()
    surname = _SURNAMES[int(r() ** 1.8 * len(_SURNAMES))]
    if x < 0.35:
        return _trade_name(r)
    if x < 0.65:
        return "老" + surname
    if x < 0.82:
        return surname + "记"
    return surname + "氏"


def _name_parts(r, category: str, industry: str, district: str) -> list[str]:
    """[place, trade name, industry word, form]; joined they make the registered name."""
    if category == "cooperative":
        product, kind = _COOP_PRODUCTS[int(r() * len(_COOP_PRODUCTS))]
        place = _SHOP_PLACES[district][int(r() * len(_SHOP_PLACES[district]))]
        towns = _TOWNS.get(district)
        if towns and r() < 0.5:
            place += towns[int(r() * len(towns))]
        trade = _trade_name(r) if (r() < 0.5 or not product) else ""
        return [place, trade, product + kind, "专业合作社"]
    if category == "individual_business":
        places = _SHOP_PLACES[district]
        words = _INDUSTRY_WORDS[industry][1]
        return [places[int(r() * len(places))], _shop_trade_name(r), words[int(r() * len(words))], ""]
    places = _PLACES[district]
    words = _INDUSTRY_WORDS[industry][0]
    return [
        places[int(r() * len(places))],
        _trade_name(r),
        words[int(r() * len(words))],
        _FORMS[int(r() * len(_FORMS))],
    ]


# --------------------------------------------------------------------------- identifiers

_ALPHABET = uscc_rules.ALPHABET
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(r) -> str:
    """A pre-2015 organisation code (GB 11714): 8 digits and a check character."""
    first8 = f"{int(r() * 90_000_000) + 10_000_000:08d}"
    c = 11 - sum(int(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return first8 + ("X" if c == 10 else "0" if c == 11 else str(c))


def _business_reg_no(r, district: str) -> str:
    """A 15-digit business registration number with its ISO 7064 MOD 11,10 check digit."""
    first14 = f"{district}{int(r() * 100_000_000):08d}"
    p = 10
    for ch in first14:
        s = (p + int(ch)) % 10 or 10
        p = s * 2 % 11
    return first14 + str((11 - p) % 10)


def _ma_body(r) -> str:
    """Body of a post-2015 code: "MA" and seven characters of the code alphabet."""
    chars = [_ALPHABET[int(r() * 31)] for _ in range(7)]
    return "MA" + "".join(chars)


# --------------------------------------------------------------------------- entities

_PREFIX_TABLE = _weighted_table((("91", 80), ("92", 15), ("93", 5)))
_CATEGORY_OF_PREFIX = {"91": "enterprise", "92": "individual_business", "93": "cooperative"}


def generate_entities(n: int, seed: int = 0) -> list[dict]:
    """`n` market entities with unique valid USCCs and unique registered names.

    Keys: uscc, name, party_category ("legal_person" or "individual_business"), legal_rep,
    legal_rep_id_type, legal_rep_id_no, district, industry, former_names (list, usually empty),
    business_reg_no, org_code, tax_reg_no (legacy identifiers of pre-2015 entities, else "").
    """
    rng = Random(seed)
    r = rng.random
    district_table = _weighted_table(_DISTRICT_WEIGHTS)
    shop_table = _weighted_table(_SHOP_INDUSTRY_WEIGHTS)
    firm_tables = {}
    for district, _ in _DISTRICT_WEIGHTS:
        boost = _DISTRICT_INDUSTRY_BOOST.get(district, ())
        firm_tables[district] = _weighted_table(
            (k, w * 5 if k in boost else w) for k, w in _ENTERPRISE_INDUSTRY_WEIGHTS
        )
    names: set[str] = set()
    codes: set[str] = set()
    out = []
    while len(out) < n:
        district = _pick(r, district_table)
        prefix = _pick(r, _PREFIX_TABLE)
        category = _CATEGORY_OF_PREFIX[prefix]
        if category == "enterprise":
            industry = _pick(r, firm_tables[district])
        elif category == "individual_business":
            industry = _pick(r, shop_table)
        else:
            industry = "cooperative"
        parts = _name_parts(r, category, industry, district)
        name = "".join(parts)
        if name in names:
            parts[1] = _trade_name(r) + _TRADE_SECOND[int(r() * len(_TRADE_SECOND))]
            name = "".join(parts)
            if name in names:
                continue
        names.add(name)
        legacy = prefix != "92" and r() < 0.28
        org = _org_code(r) if legacy else ""
        code = uscc_rules.make(prefix, district, org if legacy else _ma_body(r))
        while code in codes:
            code = uscc_rules.make(prefix, district, _ma_body(r))
        codes.add(code)
        region = district if district not in (CITY, "150571") else "150502"
        rep, rep_id = _person(r, region)
        former = []
        if r() < 0.05:
            old = list(parts)
            slot = int(r() * 3)
            if slot == 0 and category == "enterprise":
                old[3] = "有限责任公司" if parts[3] != "有限责任公司" else "有限公司"
            elif slot == 1:
                places = _SHOP_PLACES[district] if category != "enterprise" else _PLACES[district]
                old[0] = places[int(r() * len(places))]
            else:
                old[1] = _trade_name(r)
            old_name = "".join(old)
            if old_name != name and old_name not in names:
                names.add(old_name)
                former.append(old_name)
        out.append(
            {
                "uscc": code,
                "name": name,
                "party_category": "individual_business" if prefix == "92" else "legal_person",
                "legal_rep": rep,
                "legal_rep_id_type": "身份证",
                "legal_rep_id_no": rep_id,
                "district": district,
                "industry": industry,
                "former_names": former,
                "business_reg_no": _business_reg_no(r, district) if legacy else "",
                "org_code": f"{org[:8]}-{org[8]}" if legacy else "",
                "tax_reg_no": district + org if legacy else "",
            }
        )
    return out


# --------------------------------------------------------------------------- catalogue

# fmt: off
# Penalty types of the Administrative Penalty Law art. 9, lightest first (SPEC §3).
PENALTY_TYPES = (
    "警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级", "吊销许可证件",
    "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留", "其他",
)
_TYPE_RANK = {t: i for i, t in enumerate(PENALTY_TYPES)}
_NICE_FINES = (
    50, 100, 200, 300, 500, 800, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000, 12000, 15000,
    20000, 25000, 30000, 40000, 50000, 60000, 80000, 100000, 120000, 150000, 200000, 250000, 300000,
    400000, 500000, 600000, 800000, 1000000,
)

# Industry groups used to say which parties a violation or licence can concern.
PERSON = "person"
BUSINESS = frozenset(_INDUSTRY_WORDS) | {"cooperative"}
FOOD = frozenset({"food_retail", "food_service", "food_production", "food_workshop"})
FOOD_SELLERS = frozenset({"food_retail", "food_service", "trade"})
VENUES = frozenset({"food_service", "food_retail", "hotel", "entertainment", "trade", "medical", "pharmacy",
                    "training", "services"})
WORKS = frozenset({"food_production", "chemical", "building_materials", "mining", "metallurgy", "heating",
                   "construction", "fuel", "logistics", "agri_business"})
EMITTERS = frozenset({"chemical", "building_materials", "mining", "metallurgy", "food_production", "heating",
                      "agri_business"})
EMPLOYERS = frozenset({"construction", "labour", "mining", "metallurgy", "chemical", "property", "food_service",
                       "hotel", "logistics", "trade", "real_estate", "tech", "food_production",
                       "building_materials", "heating", "media", "training"})
EQUIPMENT_USERS = frozenset({"hotel", "real_estate", "property", "chemical", "food_production", "mining",
                             "metallurgy", "heating", "building_materials", "logistics", "trade", "medical", "fuel"})
LARGE = frozenset({"construction", "real_estate", "mining", "metallurgy", "chemical", "building_materials",
                   "food_production", "heating", "agri_business", "trade", "logistics", "agri_supply"})
AGRI_INPUTS = frozenset({"agri_supply", "agri_business", "cooperative"})
LAND_USERS = frozenset({PERSON, "cooperative", "agri_business", "building_materials", "construction", "logistics"})
_ALL_TOWNS = tuple(t for towns in _TOWNS.values() for t in towns)
_PROJECTS = (
    "年产5万吨有机肥", "肉牛育肥养殖场", "商品混凝土搅拌站", "粮食烘干仓储", "农副产品冷链物流园", "饲料加工",
    "玉米深加工配套仓储", "生物质锅炉供热", "建筑垃圾资源化利用", "杂粮精深加工",
)
_BUILDINGS = ("锦绣华庭3号楼", "滨河花园二期5号楼", "书香苑1号楼", "金色家园6号楼", "和谐名居2号楼",
              "西拉木伦小区12号楼", "厂区综合办公楼", "标准化厂房", "仓储库房")
_STREETS = ("科尔沁大街", "霍林河大街", "西拉木伦大街", "建国路", "明仁大街", "永清大街", "和平路", "交通路")
# fmt: on


_CLOSINGS = (
    "",
    "",
    "",
    "上述事实有现场检查笔录、询问笔录、现场照片等证据证实。",
    "当事人在规定期限内未提出陈述、申辩意见。",
    "案发后，当事人积极配合调查，及时改正了违法行为。",
    "以上事实有调查询问笔录、相关票据及视听资料等证据为证。",
)


def _fine_ladder(lo: int, hi: int) -> tuple[int, ...]:
    ladder = tuple(v for v in _NICE_FINES if lo <= v <= hi)
    return ladder or (lo,)


class Violation:
    """One kind of violation a department punishes, with what its decisions look like."""

    __slots__ = (
        "domains",
        "industries",
        "weight",
        "vtype",
        "basis",
        "options",
        "fines",
        "fine_factor",
        "facts",
        "details",
        "goods",
        "gain",
        "value",
        "qty",
        "cert",
        "other",
        "ban",
    )

    def __init__(
        self,
        domains,
        industries,
        weight,
        vtype,
        basis,
        options,
        fines,
        facts,
        details=("",),
        goods="涉案物品",
        gain=None,
        value=(100, 20000),
        qty=(1, 6),
        cert="许可证",
        other="",
        fine_factor=None,
        ban="法定代表人五年内不得从事相关生产经营管理工作",
    ):
        self.domains = (domains,) if isinstance(domains, str) else tuple(domains)
        self.industries = frozenset(industries)
        self.weight = weight
        self.vtype = vtype
        self.basis = (basis,) if isinstance(basis, str) else tuple(basis)
        if gain is None and any("没收违法所得" in option for option in options):
            gain = (200, 5000)
        parsed = []
        for option in options:
            types = set(option.split("+"))
            if gain:
                types.add("没收违法所得")
            ordered = tuple(sorted(types, key=_TYPE_RANK.__getitem__))
            parsed.append((ordered, PENALTY_TYPE_SEPARATOR.join(ordered)))
        self.options = tuple(parsed)
        self.fines = _fine_ladder(*fines) if fines else (0,)
        self.fine_factor = fine_factor
        facts = (facts,) if isinstance(facts, str) else tuple(facts)
        # Most decisions close with how the facts were established; each facts text comes with and
        # without such a closing, so the choice costs nothing per row.
        self.facts = tuple(f + c for f in facts for c in (_CLOSINGS if "证据" not in f else ("",)))
        self.details, self.goods, self.gain = tuple(details), goods, gain
        self.value, self.qty, self.cert, self.other, self.ban = value, qty, cert, other, ban


class Licence:
    """One kind of licence a department grants."""

    __slots__ = (
        "domains",
        "industries",
        "weight",
        "title",
        "category",
        "cert",
        "number",
        "years",
        "contents",
        "suffix",
        "details",
        "qty",
        "value",
    )

    def __init__(
        self,
        domains,
        industries,
        weight,
        title,
        category,
        cert,
        number,
        years,
        contents,
        suffix="许",
        details=("",),
        qty=(1, 6),
        value=(100, 20000),
    ):
        self.domains = (domains,) if isinstance(domains, str) else tuple(domains)
        self.industries = frozenset(industries)
        self.weight, self.title, self.category, self.cert = weight, title, category, cert
        self.number, self.years, self.suffix = number, years, suffix
        self.contents = (contents,) if isinstance(contents, str) else tuple(contents)
        self.details, self.qty, self.value = tuple(details), qty, value


# fmt: off
V, L = Violation, Licence
FSL = "《中华人民共和国食品安全法》"
SEL = "《中华人民共和国特种设备安全法》"
DAL = "《中华人民共和国药品管理法》"
TAX = "《中华人民共和国税收征收管理法》"
AIR = "《中华人民共和国大气污染防治法》"
SAFE = "《中华人民共和国安全生产法》"
FIRE = "《中华人民共和国消防法》"
MIN = "《中华人民共和国行政处罚法》第三十二条第（一）项"

VIOLATIONS = (
    # ---- market supervision: food
    V("market_supervision", FOOD_SELLERS, 10, "经营超过保质期的食品",
      (f"{FSL}第一百二十四条第一款第（五）项", f"{FSL}第一百二十四条第一款第（五）项、{MIN}"),
      ("没收违法所得+罚款",) * 8 + ("没收违法所得+没收非法财物+罚款",) * 4
      + ("没收违法所得+没收非法财物+罚款+吊销许可证件+限制从业",), (2000, 100000),
      ("{m}，执法人员对当事人{n}的经营场所进行检查，发现其货架上陈列销售的{x}已超过保质期，货值金额{v}元，"
       "违法所得{g}元。当事人的行为违反了《中华人民共和国食品安全法》第三十四条第（十）项的规定。",
       "经查，当事人{n}自{m}起销售超过保质期的{x}共计{q}件，货值金额{v}元，违法所得{g}元，"
       "违反了《中华人民共和国食品安全法》第三十四条第（十）项的规定。"),
      ("袋装饼干", "盒装酸奶", "桶装方便面", "瓶装饮料", "散装糕点", "火腿肠", "袋装奶粉", "速冻水饺", "牛肉干"),
      goods="超过保质期的食品", gain=(20, 3000), value=(50, 5000), cert="食品经营许可证",
      ban="法定代表人五年内不得从事食品生产经营管理工作"),
    V("market_supervision", FOOD, 8, "未按规定查验供货者许可证和食品合格证明文件",
      f"{FSL}第一百二十六条第一款第（三）项", ("警告",) * 6 + ("警告+罚款",) * 2 + ("罚款", "罚款+责令停产停业"),
      (5000, 50000),
      "经查，当事人{n}在采购{x}时未查验供货者的许可证和食品出厂检验合格证明，也未建立食品进货查验记录，"
      "违反了《中华人民共和国食品安全法》第五十三条第一款、第二款的规定。",
      ("食用植物油", "调味品", "冷冻肉类", "乳制品", "预包装食品", "散装粮食", "食品添加剂")),
    V("market_supervision", FOOD, 7, "安排未取得健康证明的人员从事接触直接入口食品的工作",
      f"{FSL}第一百二十六条第一款第（六）项", ("警告", "警告", "警告+罚款", "罚款"), (5000, 50000),
      ("{m}，执法人员检查发现，当事人{n}安排{q}名未取得有效健康证明的从业人员从事接触直接入口食品的工作，"
       "违反了《中华人民共和国食品安全法》第四十五条第一款的规定。",)),
    V("market_supervision", ("food_service", "food_retail"), 3, "未取得食品经营许可从事食品经营活动",
      f"{FSL}第一百二十二条第一款", ("没收违法所得+罚款", "没收违法所得+没收非法财物+罚款"), (10000, 100000),
      "经查，当事人{n}自{m}起在未取得食品经营许可证的情况下从事{x}经营活动，截至案发共取得违法所得{g}元，"
      "违反了《中华人民共和国食品安全法》第三十五条第一款的规定。",
      ("热食类食品制售", "冷食类食品制售", "预包装食品销售", "散装食品销售"),
      goods="违法经营的食品", gain=(100, 5000)),
    V("market_supervision", FOOD, 3, "未按要求贮存食品", f"{FSL}第一百三十二条",
      ("警告", "警告", "警告", "罚款+责令停产停业"), (10000, 50000),
      "{m}，执法人员检查发现当事人{n}将{x}与非食品物品混放贮存，冷藏设施温度不符合要求，"
      "违反了《中华人民共和国食品安全法》第三十三条第一款第（二）项的规定。",
      ("生鲜肉类", "冷冻食品", "乳制品", "熟食制品")),
    V("market_supervision", ("food_production", "food_retail", "food_service"), 3,
      "生产经营不符合食品安全标准的食品", f"{FSL}第一百二十四条第一款第（一）项",
      ("没收违法所得+罚款", "没收违法所得+没收非法财物+罚款"), (50000, 100000),
      "经食品安全监督抽检，当事人{n}生产经营的{x}经检验不符合食品安全国家标准，检验结论为不合格。"
      "涉案产品货值金额{v}元，违法所得{g}元。",
      ("韭菜（腐霉利项目）", "芹菜（毒死蜱项目）", "鸡蛋（恩诺沙星项目）", "散装白酒（甜蜜素项目）",
       "油条（铝的残留量项目）", "小麦粉（脱氧雪腐镰刀菌烯醇项目）", "猪肉（克伦特罗项目）"),
      goods="不合格食品", gain=(20, 2000), value=(100, 8000)),
    # ---- market supervision: special equipment
    V("market_supervision", EQUIPMENT_USERS, 5, "使用未经定期检验的特种设备", f"{SEL}第八十四条第（一）项",
      ("罚款",), (30000, 300000),
      "{m}，执法人员对当事人{n}进行检查，发现其使用的{q}台{x}超过定期检验有效期未申报检验，仍在继续使用，"
      "违反了《中华人民共和国特种设备安全法》第四十条第三款的规定。",
      ("乘客电梯", "叉车", "燃气锅炉", "压力容器", "桥式起重机", "储气罐"), qty=(1, 3)),
    V("market_supervision", EQUIPMENT_USERS, 3, "特种设备未办理使用登记", f"{SEL}第八十三条第（一）项",
      ("罚款",), (10000, 100000),
      "经查，当事人{n}于{m}前投入使用的{x}未向特种设备安全监督管理部门办理使用登记，经责令限期改正后逾期未改正，"
      "违反了《中华人民共和国特种设备安全法》第三十三条的规定。",
      ("乘客电梯", "叉车", "燃气锅炉", "压力容器", "货运电梯")),
    V("market_supervision", EQUIPMENT_USERS, 2, "特种设备作业人员未取得相应资格", f"{SEL}第八十六条第（一）项",
      ("罚款",), (10000, 50000),
      "{m}，执法人员检查发现，当事人{n}安排未取得《特种设备安全管理和作业人员证》的人员操作{x}，"
      "经责令限期改正后逾期未改正，违反了《中华人民共和国特种设备安全法》第十四条的规定。",
      ("叉车", "燃气锅炉", "桥式起重机", "电梯")),
    # ---- market supervision: products, advertising, prices, registration
    V("market_supervision", ("trade", "building_materials", "auto", "agri_supply"), 3, "销售不合格产品",
      "《中华人民共和国产品质量法》第四十九条", ("没收违法所得+罚款", "没收违法所得+没收非法财物+罚款"),
      (2000, 50000),
      "经产品质量监督抽查，当事人{n}销售的{x}经检验不合格，货值金额{v}元，违法所得{g}元，"
      "违反了《中华人民共和国产品质量法》第三十九条的规定。",
      ("电线电缆", "建筑用钢筋", "塑料管材", "儿童服装", "车用尿素溶液", "复合肥料"),
      goods="涉案不合格产品", gain=(100, 8000), value=(500, 30000)),
    V("market_supervision", ("media", "trade", "tech", "real_estate", "medical", "food_retail", "pharmacy", "auto",
                             "training"), 4, "发布含有绝对化用语的广告",
      ("《中华人民共和国广告法》第五十七条第（一）项", f"《中华人民共和国广告法》第五十七条第（一）项、{MIN}"),
      ("罚款",), (5000, 200000),
      "经查，当事人{n}自{m}起在其微信公众号及经营场所宣传海报中发布含有“{x}”等绝对化用语的广告，"
      "违反了《中华人民共和国广告法》第九条第（三）项的规定。",
      ("全市最低价", "国家级产品", "最佳品质", "第一品牌", "顶级配置", "销量第一")),
    V("market_supervision", ("food_retail", "pharmacy", "trade", "media"), 2,
      "发布虚假广告", "《中华人民共和国广告法》第五十五条第一款", ("罚款",), (10000, 200000),
      "经查，当事人{n}通过网络平台及宣传单页发布广告，{x}，广告内容与实际情况不符，构成虚假广告，"
      "违反了《中华人民共和国广告法》第二十八条第一款的规定。",
      ("宣称其销售的普通食品具有降血糖功效", "宣称其销售的产品获得实际并不存在的“国家金奖”",
       "宣称其销售的保健食品可以治疗失眠")),
    V("market_supervision", ("real_estate",), 1,
      "发布虚假广告", "《中华人民共和国广告法》第五十五条第一款", ("罚款",), (10000, 200000),
      "经查，当事人{n}在其{x}的销售广告中宣称“距学校步行五分钟、升值稳赚不赔”，与实际情况不符，构成虚假广告，"
      "违反了《中华人民共和国广告法》第二十八条第一款的规定。", _BUILDINGS),
    V("market_supervision", ("training",), 1,
      "发布虚假广告", "《中华人民共和国广告法》第五十五条第一款", ("罚款",), (10000, 200000),
      "经查，当事人{n}在招生宣传中宣称其{x}“包过包就业”，与实际情况不符，构成虚假广告，"
      "违反了《中华人民共和国广告法》第二十四条的规定。", ("职业技能培训课程", "驾驶培训课程", "会计培训课程")),
    V("market_supervision", ("food_service", "food_retail", "hotel", "auto", "pharmacy", "trade", "services",
                             "fuel"), 6, "未按规定明码标价", "《中华人民共和国价格法》第四十二条",
      ("警告", "罚款", "警告+罚款"), (100, 5000),
      "{m}，执法人员检查发现，当事人{n}经营场所内{x}未按规定明码标价，"
      "违反了《中华人民共和国价格法》第十三条第一款的规定。",
      ("部分商品", "部分服务项目", "部分商品和服务项目", "所售全部商品")),
    V("market_supervision", BUSINESS, 3, "未依法办理变更登记", "《中华人民共和国市场主体登记管理条例》第四十六条",
      ("罚款",), (10000, 100000),
      "经查，当事人{n}的{x}已发生变更，未在规定期限内向登记机关申请办理变更登记，经责令改正后拒不改正，"
      "违反了《中华人民共和国市场主体登记管理条例》第二十四条第一款的规定。",
      ("住所", "经营范围", "法定代表人", "注册资本", "经营场所")),
    V("market_supervision", ("services", "food_service", "food_retail", "trade", "auto", "hotel"), 2,
      "未将营业执照置于经营场所醒目位置", "《中华人民共和国市场主体登记管理条例》第四十八条",
      ("罚款",), (1000, 30000),
      "{m}，执法人员检查发现，当事人{n}未将营业执照置于其主要经营场所的醒目位置，经责令改正后拒不改正，"
      "违反了《中华人民共和国市场主体登记管理条例》第三十六条的规定。"),
    # ---- market supervision and drug regulation: drugs, devices, cosmetics
    V(("market_supervision", "drug_regulation"), ("pharmacy",), 5, "未遵守药品经营质量管理规范",
      f"{DAL}第一百二十六条", ("警告",) * 6 + ("罚款", "罚款", "罚款+责令停产停业"), (100000, 500000),
      "{m}，执法人员对当事人{n}进行检查，发现其{x}，未遵守药品经营质量管理规范，"
      "违反了《中华人民共和国药品管理法》第五十三条第一款的规定。",
      ("执业药师不在岗时仍销售处方药", "阴凉区温湿度未按规定监测和记录", "未按规定对近效期药品进行养护检查",
       "拆零药品未保留原包装及说明书")),
    V("market_supervision", ("pharmacy",), 2, "销售劣药", f"{DAL}第一百一十七条第一款",
      ("没收违法所得+没收非法财物+罚款",), (100000, 200000),
      "经药品抽样检验，当事人{n}销售的{x}经检验不符合规定，按劣药论处。当事人购进该药品共{q}盒，违法所得{g}元，"
      "违反了《中华人民共和国药品管理法》第九十八条第一款的规定。",
      ("板蓝根颗粒", "感冒清热颗粒", "阿莫西林胶囊", "维生素C片", "六味地黄丸"),
      goods="劣药", gain=(10, 500), qty=(5, 60)),
    V("market_supervision", ("pharmacy",), 2, "未凭处方销售处方药", f"{DAL}第一百三十条",
      ("警告",) * 12 + ("吊销许可证件",), None,
      "{m}，执法人员检查发现，当事人{n}在未取得医师处方的情况下向顾客销售处方药{x}，"
      "违反了《中华人民共和国药品管理法》第五十三条第一款的规定。",
      ("阿莫西林胶囊", "头孢克肟分散片", "左氧氟沙星片", "硝苯地平缓释片"), cert="药品经营许可证"),
    V(("market_supervision", "drug_regulation"), ("pharmacy", "medical"), 2, "医疗器械经营未按规定建立进货查验记录",
      "《医疗器械监督管理条例》第八十九条", ("警告", "警告+罚款", "罚款"), (10000, 50000),
      "经查，当事人{n}购进{x}时未按规定查验供货者资质和产品合格证明文件，未建立进货查验记录，"
      "违反了《医疗器械监督管理条例》第四十五条第一款的规定。",
      ("一次性使用无菌注射器", "医用外科口罩", "血糖试纸", "电子血压计")),
    V(("market_supervision", "drug_regulation"), ("services", "food_retail", "trade"), 2,
      "化妆品经营未按规定建立并执行进货查验记录制度", "《化妆品监督管理条例》第六十二条",
      ("警告", "罚款"), (10000, 30000),
      "经查，当事人{n}购进{x}等化妆品时未查验供货者的市场主体登记证明、化妆品注册或者备案情况，"
      "未建立进货查验记录，违反了《化妆品监督管理条例》第三十八条第一款的规定。",
      ("面霜", "染发剂", "防晒霜", "洗发水")),
    V("drug_regulation", ("pharmacy", "medical"), 2, "从不具有药品经营资质的企业购进药品", f"{DAL}第一百二十九条",
      ("没收违法所得+没收非法财物+罚款",), (50000, 200000),
      "经查，当事人{n}自{m}起从不具有药品经营资质的个人处购进{x}共{q}盒，已销售部分违法所得{g}元，"
      "违反了《中华人民共和国药品管理法》第五十五条的规定。",
      ("复方丹参滴丸", "布洛芬缓释胶囊", "阿莫西林胶囊", "藿香正气水"), goods="违法购进的药品",
      gain=(100, 5000), qty=(10, 200)),
    # ---- tax
    V("tax", BUSINESS, 22, "未按照规定期限办理纳税申报和报送纳税资料", f"{TAX}第六十二条", ("罚款",), (50, 2000),
      ("当事人{n}未按照规定期限办理{x}的纳税申报和报送纳税资料，违反了《中华人民共和国税收征收管理法》"
       "第二十五条第一款的规定。",
       "经查，当事人{n}{k}所属期的{x}未在规定期限内办理纳税申报，"
       "违反了《中华人民共和国税收征收管理法》第二十五条第一款的规定。"),
      ("增值税", "个人所得税（代扣代缴）", "城市维护建设税", "印花税", "房产税", "城镇土地使用税",
       "企业所得税季度预缴")),
    V("tax", BUSINESS, 3, "未按照规定期限办理税务登记变更", f"{TAX}第六十条第一款第（一）项", ("罚款",), (200, 2000),
      "经查，当事人{n}的{x}发生变化后，未按照规定期限向税务机关办理变更税务登记，"
      "违反了《中华人民共和国税收征收管理法》第十六条的规定。",
      ("生产经营地址", "财务负责人", "经营范围", "银行账户")),
    V("tax", LARGE, 2, "未按照规定设置、保管账簿和记账凭证", f"{TAX}第六十条第一款第（二）项", ("罚款",), (500, 10000),
      "经检查，当事人{n}未按照规定设置{x}，记账凭证及有关资料保管不全，"
      "违反了《中华人民共和国税收征收管理法》第十九条的规定。",
      ("总账和明细账", "存货明细账", "收入明细账")),
    V("tax", LARGE | {"food_service", "hotel", "pharmacy", "auto"}, 2, "偷税", f"{TAX}第六十三条第一款",
      ("罚款",), None,
      "经检查，当事人{n}在以前年度采取{x}的方式进行虚假的纳税申报，少缴增值税、企业所得税等税款共计{v}元，"
      "根据《中华人民共和国税收征收管理法》第六十三条第一款的规定，已构成偷税。",
      ("账外经营、隐匿销售收入", "虚列成本费用", "取得不符合规定的发票入账", "少计收入"),
      value=(20000, 600000), fine_factor=0.5),
    V("tax", EMPLOYERS, 2, "扣缴义务人应扣未扣个人所得税", f"{TAX}第六十九条", ("罚款",), None,
      "经检查，当事人{n}向职工发放{x}时未按规定代扣代缴个人所得税，应扣未扣税款{v}元，"
      "违反了《中华人民共和国个人所得税法》第九条第一款的规定。",
      ("年终奖金", "工资薪金", "劳务报酬", "误餐补助"), value=(1000, 50000), fine_factor=0.5),
    V("tax", LARGE, 1, "逃避、拒绝或以其他方式阻挠税务机关检查", f"{TAX}第七十条", ("罚款",), (1000, 10000),
      "{m}，税务检查人员依法对当事人{n}进行检查，当事人拒绝提供{x}，阻挠税务机关检查，"
      "违反了《中华人民共和国税收征收管理法》第五十六条的规定。",
      ("账簿和记账凭证", "银行账户流水", "合同及发票存根")),
    # ---- ecology and environment
    V("ecology_environment", EMITTERS, 3, "超过大气污染物排放标准排放大气污染物", f"{AIR}第九十九条第（二）项",
      ("罚款", "罚款", "罚款", "罚款+限制开展生产经营活动", "罚款+责令停产停业"), (100000, 1000000),
      "{m}，执法人员对当事人{n}进行现场检查，经监测，其{x}超过国家规定的排放标准限值，"
      "违反了《中华人民共和国大气污染防治法》第十八条的规定。",
      ("锅炉烟气排放口颗粒物浓度", "燃煤锅炉二氧化硫排放浓度", "干燥工序废气氮氧化物排放浓度",
       "破碎工序颗粒物排放浓度")),
    V("ecology_environment", ("chemical", "auto", "building_materials", "media"), 2,
      "产生含挥发性有机物废气的生产活动未按规定使用污染防治设施", f"{AIR}第一百零八条第（一）项",
      ("罚款",), (20000, 200000),
      "{m}，执法人员对当事人{n}进行检查，发现其{x}工序产生含挥发性有机物废气，未在密闭空间或者设备中进行，"
      "未按照规定安装、使用污染防治设施，违反了《中华人民共和国大气污染防治法》第四十五条的规定。",
      ("喷漆", "调漆", "涂装", "印刷")),
    V("ecology_environment", EMITTERS | {"cooperative", "auto"}, 2, "建设项目环境影响评价文件未经批准擅自开工建设",
      "《中华人民共和国环境影响评价法》第三十一条第一款", ("罚款",), (50000, 500000),
      "经查，当事人{n}投资建设的{x}项目依法应当编制环境影响报告表，在环境影响评价文件未经审批的情况下，"
      "于{m}擅自开工建设，违反了《中华人民共和国环境影响评价法》第二十五条的规定。", _PROJECTS),
    V("ecology_environment", EMITTERS, 1, "需要配套建设的环境保护设施未经验收即投入生产",
      "《建设项目环境保护管理条例》第二十三条第一款", ("罚款",), (200000, 1000000),
      "经查，当事人{n}建设的{x}项目配套的环境保护设施未经验收，主体工程即于{m}投入生产，"
      "违反了《建设项目环境保护管理条例》第十九条第一款的规定。", _PROJECTS),
    V("ecology_environment", EMITTERS, 2, "未按照规定建立环境管理台账记录制度",
      "《排污许可管理条例》第三十七条第（一）项", ("罚款",), (5000, 20000),
      "{m}，执法人员检查发现，当事人{n}未按照排污许可证规定记录{x}运行情况，环境管理台账记录缺失，"
      "违反了《排污许可管理条例》第二十一条的规定。",
      ("主要生产设施", "污染防治设施", "自动监测设备")),
    V("ecology_environment", ("auto", "medical", "chemical", "metallurgy"), 2, "未按照规定设置危险废物识别标志",
      "《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第（一）项", ("罚款",), (50000, 500000),
      "{m}，执法人员对当事人{n}进行检查，发现其危险废物贮存场所未按照规定设置危险废物识别标志，"
      "{x}随意堆放，违反了《中华人民共和国固体废物污染环境防治法》第七十七条第一款的规定。",
      ("废机油", "废铅蓄电池", "废活性炭", "废油漆桶")),
    V("ecology_environment", (PERSON, "cooperative"), 3, "露天焚烧秸秆", f"{AIR}第一百一十九条第一款",
      ("罚款",), (500, 2000),
      "{m}，执法人员巡查发现，当事人{n}在{x}辖区内露天焚烧{q}亩玉米秸秆，产生烟尘污染，"
      "违反了《中华人民共和国大气污染防治法》第七十七条的规定。", _ALL_TOWNS, qty=(2, 30)),
    # ---- emergency management (work safety)
    V("emergency_management", WORKS | {"hotel", "food_service"}, 5, "未按照规定对从业人员进行安全生产教育和培训",
      f"{SAFE}第九十七条第（三）项", ("罚款",), (10000, 100000),
      "{m}，执法人员对当事人{n}进行安全生产检查，发现其{q}名{x}未经安全生产教育和培训合格即上岗作业，"
      "违反了《中华人民共和国安全生产法》第二十八条第一款的规定。",
      ("新入职员工", "一线作业人员", "临时用工人员", "转岗人员")),
    V("emergency_management", WORKS, 3, "未对安全设备进行经常性维护、保养和定期检测", f"{SAFE}第九十九条第（三）项",
      ("罚款",), (5000, 50000),
      "{m}，执法人员检查发现，当事人{n}的{x}未进行经常性维护、保养和定期检测，"
      "违反了《中华人民共和国安全生产法》第三十六条第二款的规定。",
      ("可燃气体报警装置", "通风设备", "防爆电气设备", "压力表和安全阀")),
    V("emergency_management", WORKS | {"hotel", "entertainment"}, 3, "未采取措施消除事故隐患", f"{SAFE}第一百零二条",
      ("罚款", "罚款", "罚款+责令停产停业"), (5000, 50000),
      "{m}，执法人员检查发现当事人{n}存在{x}等事故隐患，经责令限期整改，当事人未采取有效措施消除事故隐患，"
      "违反了《中华人民共和国安全生产法》第四十一条第二款的规定。",
      ("动火作业未办理审批手续", "有限空间作业未设置警示标识", "危险化学品未按规定分类存放",
       "配电箱未设置漏电保护装置")),
    V("emergency_management", ("fuel", "chemical", "mining"), 2, "危险物品未建立专门安全管理制度",
      f"{SAFE}第一百零一条第（一）项", ("罚款", "罚款+责令停产停业"), (10000, 100000),
      "经查，当事人{n}在储存、使用{x}过程中未建立专门安全管理制度、未采取可靠的安全措施，"
      "违反了《中华人民共和国安全生产法》第三十九条第二款的规定。",
      ("汽油、柴油", "液化石油气", "硫酸、盐酸", "民用爆炸物品")),
    V("emergency_management", (PERSON,), 2, "生产经营单位主要负责人未履行安全生产管理职责",
      f"{SAFE}第九十四条第一款", ("罚款",), (20000, 50000),
      "经查，当事人{n}作为辖区内一家{x}的主要负责人，未组织制定并实施本单位安全生产教育和培训计划，"
      "未督促、检查本单位的安全生产工作，违反了《中华人民共和国安全生产法》第二十一条的规定。",
      ("建材企业", "煤炭经销企业", "化工企业", "粮食加工企业")),
    V("emergency_management", ("food_retail", "trade"), 2, "未经许可经营烟花爆竹",
      "《烟花爆竹安全管理条例》第三十六条第一款", ("没收违法所得+没收非法财物+罚款",), (20000, 100000),
      "{m}，执法人员检查发现，当事人{n}在未取得烟花爆竹经营（零售）许可证的情况下销售烟花爆竹，"
      "现场查获{x}共{q}箱，违法所得{g}元。",
      ("组合烟花", "礼花弹", "鞭炮"), goods="非法经营的烟花爆竹", gain=(100, 3000), qty=(3, 40)),
    # ---- fire
    V("fire", VENUES | WORKS, 6, "消防设施、器材未保持完好有效", f"{FIRE}第六十条第一款第（一）项", ("罚款",),
      (5000, 50000),
      "{m}，消防救援机构对当事人{n}进行消防监督检查，发现其经营场所{x}，消防设施、器材未保持完好有效，"
      "违反了《中华人民共和国消防法》第十六条第一款第（二）项的规定。",
      ("室内消火栓无水", "灭火器压力不足", "火灾自动报警系统故障", "应急照明灯损坏", "疏散指示标志不亮")),
    V("fire", VENUES | WORKS, 5, "占用、堵塞、封闭疏散通道、安全出口", f"{FIRE}第六十条第一款第（三）项",
      ("罚款",), (5000, 50000),
      "{m}，消防救援机构检查发现，当事人{n}{x}，占用、堵塞疏散通道和安全出口，"
      "违反了《中华人民共和国消防法》第二十八条的规定。",
      ("在疏散通道内堆放杂物", "将安全出口上锁", "在疏散楼梯间停放电动车", "在安全出口处设置货架")),
    V("fire", ("hotel", "entertainment", "food_service", "training"), 2,
      "公众聚集场所未经消防安全检查擅自投入使用、营业", f"{FIRE}第五十八条第一款第（四）项",
      ("责令停产停业+罚款",), (30000, 300000),
      "经查，当事人{n}的经营场所属于公众聚集场所，未经消防救援机构许可，于{m}擅自投入使用、营业，"
      "违反了《中华人民共和国消防法》第十五条第二款的规定。"),
    V("fire", ("trade", "food_retail", "auto", "agri_supply"), 1,
      "经营场所与居住场所设置在同一建筑物内且不符合消防技术标准",
      f"{FIRE}第六十一条第一款", ("责令停产停业+罚款",), (5000, 50000),
      "{m}，消防救援机构检查发现，当事人{n}在储存{x}的经营场所内设置员工住宿，"
      "且不符合消防技术标准，违反了《中华人民共和国消防法》第十九条第二款的规定。",
      ("油漆", "酒精", "汽油")),
    V("fire", (PERSON,), 2, "占用、堵塞消防车通道", f"{FIRE}第六十条第二款", ("警告", "罚款"), (100, 500),
      "{m}，消防救援机构检查发现，当事人{n}将其车牌号为{p}的机动车停放在小区消防车通道内，"
      "占用消防车通道，违反了《中华人民共和国消防法》第二十八条的规定。"),
    # ---- human resources and social security
    V("human_resources", ("construction",), 3, "施工总承包单位未按规定开设或者使用农民工工资专用账户",
      "《保障农民工工资支付条例》第五十五条第（一）项", ("罚款", "罚款", "责令停产停业+罚款"), (50000, 100000),
      "经查，当事人{n}承建的{x}项目未按规定开设农民工工资专用账户，经责令限期改正后逾期未改正，"
      "违反了《保障农民工工资支付条例》第二十六条第一款的规定。", _BUILDINGS),
    V("human_resources", EMPLOYERS, 3, "违法延长劳动者工作时间", "《劳动保障监察条例》第二十五条",
      ("警告", "警告+罚款"), (500, 10000),
      "经查，当事人{n}安排{q}名劳动者在{m}前连续多月每月加班超过36小时，"
      "违反了《中华人民共和国劳动法》第四十一条的规定。", qty=(3, 40)),
    V("human_resources", EMPLOYERS, 2, "用人单位未按规定办理社会保险登记",
      "《中华人民共和国社会保险法》第八十四条", ("罚款",), (1000, 30000),
      "经查，当事人{n}自成立之日起未依法办理社会保险登记，经责令限期改正后逾期未改正，"
      "违反了《中华人民共和国社会保险法》第五十七条第一款的规定。"),
    V("human_resources", EMPLOYERS, 1, "无理抗拒、阻挠劳动保障监察", "《劳动保障监察条例》第三十条第一款",
      ("罚款",), (2000, 20000),
      "{m}，劳动保障监察机构依法对当事人{n}进行调查，当事人无正当理由拒不提供{x}，"
      "阻挠劳动保障监察，违反了《劳动保障监察条例》第三十条的规定。",
      ("职工花名册和工资支付记录", "劳动合同", "考勤记录")),
    # ---- housing and urban-rural construction
    V("housing_construction", ("construction", "real_estate"), 4, "未取得施工许可证擅自施工",
      "《建设工程质量管理条例》第五十七条", ("罚款",), (20000, 300000),
      "经查，当事人{n}建设的{x}项目未取得建筑工程施工许可证，于{m}擅自开工建设，"
      "违反了《中华人民共和国建筑法》第七条第一款的规定。", _BUILDINGS),
    V(("housing_construction", "urban_management"), ("construction",), 3, "施工工地未采取有效扬尘防治措施",
      f"{AIR}第一百一十五条第一款", ("罚款",), (10000, 100000),
      "{m}，执法人员巡查发现，当事人{n}承建的{x}项目施工现场{y}，未采取有效扬尘防治措施，"
      "违反了《中华人民共和国大气污染防治法》第六十九条第三款的规定。".replace("{y}", "土方未覆盖、车辆未冲洗"),
      _BUILDINGS),
    V("housing_construction", ("construction",), 2, "施工单位未按规定配备专职安全生产管理人员",
      "《建设工程安全生产管理条例》第六十二条第（一）项", ("罚款",) * 10 + ("罚款+降低资质等级",),
      (10000, 50000),
      "{m}，执法人员对当事人{n}承建的{x}项目进行检查，发现施工现场未配备专职安全生产管理人员，"
      "违反了《建设工程安全生产管理条例》第二十三条第一款的规定。", _BUILDINGS, cert="建筑业企业资质证书"),
    V("housing_construction", ("real_estate",), 1, "未取得商品房预售许可证预售商品房",
      "《城市房地产开发经营管理条例》第三十九条", ("罚款",), (50000, 500000),
      "经查，当事人{n}开发的{x}项目在未取得商品房预售许可证的情况下，于{m}起以收取“认筹金”的方式预售商品房，"
      "违反了《城市商品房预售管理办法》第六条的规定。", _BUILDINGS),
    # ---- transport
    V("transport", (PERSON, "logistics"), 4, "未取得道路运输经营许可擅自从事道路旅客运输经营",
      "《中华人民共和国道路运输条例》第六十三条", ("罚款", "罚款", "没收违法所得+罚款"), (10000, 100000),
      "{m}，执法人员在{x}检查时发现，当事人{n}驾驶车牌号为{p}的小型客车，未取得道路运输经营许可，"
      "擅自从事道路旅客运输经营，违反了《中华人民共和国道路运输条例》第八条的规定。",
      ("通辽火车站广场", "通辽客运站附近", "国道304线", "通霍高速收费站")),
    V("transport", (PERSON, "logistics", "building_materials", "mining", "agri_business"), 4,
      "车辆超限运输", "《中华人民共和国公路法》第七十六条第（五）项", ("罚款",), (500, 30000),
      "{m}，当事人{n}所属车牌号为{p}的货车在{x}超限检测站经检测，车货总质量超过规定限值，"
      "违反了《中华人民共和国公路法》第五十条第一款的规定。",
      ("国道111线", "国道304线", "省道203线", "国道303线")),
    V("transport", (PERSON,), 2, "未取得网约车经营许可擅自从事网约车经营",
      "《网络预约出租汽车经营服务管理暂行办法》第三十四条第（一）项", ("罚款",), (10000, 30000),
      "{m}，执法人员检查发现，当事人{n}驾驶车牌号为{p}的车辆，在未取得网络预约出租汽车运输证的情况下，"
      "通过网络平台承接订单从事网约车经营。"),
    # ---- natural resources
    V(("natural_resources",), LAND_USERS, 4, "非法占用土地", "《中华人民共和国土地管理法》第七十七条第一款",
      ("罚款+其他", "罚款"), None,
      "经查，当事人{n}未经批准，于{m}擅自占用{x}{v}平方米建设{y}，"
      "违反了《中华人民共和国土地管理法》第四十四条第一款的规定。".replace("{y}", "厂房及附属设施"),
      ("集体耕地", "集体未利用地", "国有农用地", "一般耕地"), value=(100, 3000), fine_factor=100,
      other="责令退还非法占用的土地，限期拆除在非法占用的土地上新建的建筑物和其他设施"),
    V("natural_resources", (PERSON, "mining", "building_materials"), 2, "未取得采矿许可证擅自采矿",
      "《中华人民共和国矿产资源法》第三十九条第一款", ("没收违法所得+没收非法财物+罚款",), (5000, 200000),
      "经查，当事人{n}未取得采矿许可证，自{m}起在{x}擅自开采{y}，违法所得{g}元，"
      "违反了《中华人民共和国矿产资源法》第三条第三款的规定。".replace("{y}", "建筑用砂"),
      _ALL_TOWNS, goods="采出的矿产品", gain=(2000, 200000)),
    # ---- health
    V("health", ("hotel", "services", "entertainment"), 4, "未按照规定对顾客用品用具进行清洗、消毒",
      "《公共场所卫生管理条例实施细则》第三十六条第（二）项", ("警告", "警告+罚款"), (500, 2000),
      "{m}，卫生监督员对当事人{n}进行检查，发现其{x}未按照规定进行清洗、消毒，"
      "违反了《公共场所卫生管理条例实施细则》第十四条第一款的规定。",
      ("客房茶具", "毛巾、浴巾", "拖鞋", "美容美发工具")),
    V("health", ("hotel", "services"), 2, "安排未获得有效健康合格证明的从业人员从事直接为顾客服务工作",
      "《公共场所卫生管理条例实施细则》第三十八条", ("警告+罚款",), (500, 5000),
      "{m}，卫生监督员检查发现，当事人{n}安排{q}名未获得有效健康合格证明的从业人员从事直接为顾客服务的工作，"
      "违反了《公共场所卫生管理条例实施细则》第十条第一款的规定。"),
    V("health", ("medical",), 3, "未建立、健全医疗废物管理制度", "《医疗废物管理条例》第四十六条第（一）项",
      ("警告", "警告+罚款"), (2000, 5000),
      "{m}，卫生监督员检查发现，当事人{n}未建立医疗废物管理制度，{x}，"
      "违反了《医疗废物管理条例》第七条第一款的规定。",
      ("未设置专（兼）职人员负责医疗废物管理", "医疗废物未分类收集", "医疗废物暂存处未设置警示标识")),
    V("health", (PERSON,), 2, "未取得医师执业证书从事医师执业活动", "《中华人民共和国医师法》第五十九条",
      ("没收违法所得+罚款",), (20000, 100000),
      "经查，当事人{n}未取得医师资格和医师执业证书，自{m}起在{x}为群众进行针灸、输液等诊疗活动，"
      "违法所得{g}元，违反了《中华人民共和国医师法》第十三条第四款的规定。",
      _ALL_TOWNS, gain=(500, 8000)),
    # ---- medical insurance
    V("medical_insurance", ("medical", "pharmacy"), 4, "定点医药机构违规使用医疗保障基金",
      "《医疗保障基金使用监督管理暂行条例》第三十八条", ("罚款",), None,
      "经查，当事人{n}在医疗保障基金结算中存在{x}的行为，造成医疗保障基金损失{v}元，"
      "违反了《医疗保障基金使用监督管理暂行条例》第十五条的规定，已责令退回。",
      ("重复收费、超标准收费", "串换药品、医用耗材", "将不属于医疗保障基金支付范围的费用纳入结算"),
      value=(1000, 100000), fine_factor=1.5),
    V("medical_insurance", ("medical", "pharmacy"), 1, "以伪造医疗文书等方式骗取医疗保障基金",
      "《医疗保障基金使用监督管理暂行条例》第四十条第一款", ("罚款",), None,
      "经查，当事人{n}通过{x}的方式骗取医疗保障基金{v}元，违反了《医疗保障基金使用监督管理暂行条例》"
      "第十九条的规定，已责令退回。", ("虚构医药服务项目", "伪造处方和购药记录"),
      value=(2000, 80000), fine_factor=2),
    V("medical_insurance", ("medical", "pharmacy"), 2, "未建立医疗保障基金使用内部管理制度",
      "《医疗保障基金使用监督管理暂行条例》第三十九条第（一）项", ("罚款",), (10000, 50000),
      "经查，当事人{n}未建立医疗保障基金使用内部管理制度，未指定专门机构或者人员负责医疗保障基金使用管理，"
      "经责令改正后拒不改正。"),
    # ---- culture and tourism
    V("culture_tourism", ("entertainment",), 4, "互联网上网服务营业场所接纳未成年人",
      "《互联网上网服务营业场所管理条例》第三十一条第（二）项",
      ("警告",) * 4 + ("警告+罚款",) * 4 + ("罚款+责令停产停业", "罚款+吊销许可证件"), (1000, 15000),
      "{m}，执法人员检查发现，当事人{n}经营的上网服务营业场所内有{q}名未成年人上网，"
      "违反了《互联网上网服务营业场所管理条例》第二十一条的规定。", qty=(1, 4), cert="网络文化经营许可证"),
    V("culture_tourism", ("travel", "tech", "media"), 2, "未经许可经营旅行社业务",
      "《中华人民共和国旅游法》第九十五条第一款", ("没收违法所得+罚款",), (10000, 100000),
      "经查，当事人{n}未取得旅行社业务经营许可，自{m}起招徕、组织游客赴{x}旅游，违法所得{g}元，"
      "违反了《中华人民共和国旅游法》第二十八条的规定。",
      ("阿尔山", "呼伦贝尔", "大青沟", "北戴河"), gain=(500, 20000)),
    # ---- agriculture and animal husbandry
    V("agriculture", AGRI_INPUTS, 3, "未取得农药经营许可证经营农药",
      "《农药管理条例》第五十五条第一款第（一）项", ("没收违法所得+没收非法财物+罚款",), (5000, 50000),
      "经查，当事人{n}未取得农药经营许可证，自{m}起销售{x}等农药，违法所得{g}元，"
      "违反了《农药管理条例》第二十四条第一款的规定。",
      ("草甘膦", "莠去津", "吡虫啉", "烟嘧磺隆"), goods="违法经营的农药", gain=(200, 6000)),
    V("agriculture", AGRI_INPUTS, 3, "农药经营者未执行农药采购台账、销售台账制度",
      "《农药管理条例》第五十八条第（一）项", ("罚款",), (2000, 20000),
      "{m}，执法人员检查发现，当事人{n}未建立农药采购台账和销售台账，经责令改正后拒不改正，"
      "违反了《农药管理条例》第二十五条的规定。"),
    V("agriculture", ("agri_supply", "agri_business"), 2, "销售劣种子", "《中华人民共和国种子法》第七十六条第一款",
      ("没收违法所得+没收非法财物+罚款",), (10000, 100000),
      "经抽样检验，当事人{n}销售的{x}种子发芽率低于国家标准，属于劣种子，违法所得{g}元，"
      "违反了《中华人民共和国种子法》第四十九条第一款的规定。",
      ("玉米", "高粱", "向日葵", "谷子"), goods="劣种子", gain=(500, 10000)),
    # ---- water
    V("water", ("agri_business", "cooperative", "food_production", "building_materials", "chemical", PERSON), 3,
      "未经批准擅自取水", "《中华人民共和国水法》第六十九条第（一）项", ("罚款",), (20000, 100000),
      "经查，当事人{n}未取得取水许可，自{m}起在{x}擅自打井取用地下水用于生产，"
      "违反了《中华人民共和国水法》第四十八条第一款的规定。", _ALL_TOWNS),
    V("water", ("construction", "mining", "real_estate", "building_materials"), 2, "未编制水土保持方案擅自开工建设",
      "《中华人民共和国水土保持法》第五十三条第（一）项", ("罚款",), (50000, 500000),
      "经查，当事人{n}建设的{x}项目依法应当编制水土保持方案，未编制水土保持方案即开工建设，"
      "经责令限期补办手续后逾期未补办。", _PROJECTS),
    V("water", (PERSON, "building_materials"), 2, "在河道管理范围内非法采砂",
      "《中华人民共和国河道管理条例》第四十四条",
      ("罚款", "没收违法所得+罚款"), (1000, 30000),
      "{m}，执法人员巡查发现，当事人{n}未经批准在{x}河道管理范围内采砂，"
      "违反了《中华人民共和国河道管理条例》第二十五条的规定。", ("西辽河", "新开河", "教来河", "霍林河")),
    # ---- statistics
    V("statistics", LARGE, 3, "提供不真实统计资料", "《中华人民共和国统计法》第四十一条",
      ("警告", "警告+罚款", "警告+通报批评"), (5000, 50000),
      "经统计执法检查，当事人{n}报送的{x}与原始记录和凭证不符，提供不真实的统计资料，"
      "违反了《中华人民共和国统计法》第七条的规定。",
      ("年度营业收入", "从业人员及工资总额", "工业总产值", "固定资产投资额")),
    V("statistics", LARGE, 2, "迟报统计资料", "《中华人民共和国统计法》第四十二条", ("警告", "警告+罚款"),
      (1000, 10000),
      "当事人{n}作为统计调查对象，未按照规定时间报送{x}，经催报后仍迟报，"
      "违反了《中华人民共和国统计法》第七条的规定。", ("月度统计报表", "年度统计报表", "季度统计报表")),
    # ---- urban management
    V("urban_management", ("food_service",), 4, "排放油烟的餐饮服务业经营者未安装油烟净化设施",
      f"{AIR}第一百一十八条第一款", ("罚款",), (5000, 50000),
      "{m}，执法人员检查发现，当事人{n}在经营过程中未安装油烟净化设施，油烟直接排放，"
      "违反了《中华人民共和国大气污染防治法》第八十一条第一款的规定。"),
    V("urban_management", ("media", "trade", "food_service", "hotel"), 2, "擅自设置户外广告影响市容",
      "《城市市容和环境卫生管理条例》第三十六条第（一）项", ("警告", "罚款"), (500, 10000),
      "{m}，执法人员巡查发现，当事人{n}未经批准在{x}擅自设置户外广告牌，影响市容，"
      "违反了《城市市容和环境卫生管理条例》第十一条的规定。", _STREETS),
    V("urban_management", ("food_service", "food_retail", "auto"), 3, "擅自占用街道两侧和公共场地经营",
      "《城市市容和环境卫生管理条例》第三十六条第（二）项", ("警告", "罚款"), (200, 2000),
      "{m}，执法人员巡查发现，当事人{n}未经批准在{x}人行道上堆放物品、搭建设施从事经营活动，影响市容，"
      "违反了《城市市容和环境卫生管理条例》第十四条的规定。",
      _STREETS),
    V("urban_management", (PERSON, "construction", "real_estate", "agri_business"), 2,
      "未取得建设工程规划许可证进行建设",
      "《中华人民共和国城乡规划法》第六十四条", ("罚款",), None,
      "经查，当事人{n}未取得建设工程规划许可证，于{m}擅自建设{x}，工程造价{v}元，"
      "违反了《中华人民共和国城乡规划法》第四十条第一款的规定。",
      ("彩钢结构库房", "砖混结构临街商铺", "二层砖混住宅"), value=(50000, 800000), fine_factor=0.05),
    V("urban_management", ("construction", "logistics"), 2, "随意倾倒、抛撒建筑垃圾",
      "《城市建筑垃圾管理规定》第二十六条", ("警告+罚款",), (5000, 50000),
      "{m}，执法人员巡查发现，当事人{n}的运输车辆{p}在{x}沿线随意倾倒建筑垃圾约{q}立方米，"
      "违反了《城市建筑垃圾管理规定》第十五条的规定。", _STREETS, qty=(3, 30)),
    V("urban_management", (PERSON,), 1, "随意倾倒建筑垃圾", "《城市建筑垃圾管理规定》第二十六条",
      ("警告+罚款",), (50, 200),
      "{m}，执法人员巡查发现，当事人{n}在{x}附近随意倾倒装修垃圾，违反了《城市建筑垃圾管理规定》第十五条的规定。",
      _STREETS),
    # ---- forestry and grassland
    V("forestry_grassland", (PERSON, "cooperative", "agri_business"), 4, "滥伐林木",
      "《中华人民共和国森林法》第七十六条第二款", ("罚款+其他",), None,
      "经查，当事人{n}未取得林木采伐许可证，于{m}在{x}擅自采伐杨树{q}株，林木价值{v}元，"
      "违反了《中华人民共和国森林法》第五十六条第一款的规定。",
      _ALL_TOWNS, value=(2000, 30000), qty=(20, 300), fine_factor=3, other="责令补种滥伐株数三倍的树木"),
    V("forestry_grassland", (PERSON, "cooperative", "agri_business"), 3, "非法开垦草原",
      "《中华人民共和国草原法》第六十六条", ("罚款",), (2000, 50000),
      "经查，当事人{n}未经批准，于{m}在{x}境内擅自开垦天然草原{q}亩种植玉米，"
      "违反了《中华人民共和国草原法》第四十六条的规定。", _ALL_TOWNS, qty=(5, 200)),
    V("forestry_grassland", ("construction", "mining", "building_materials", PERSON), 2, "未经审核同意擅自改变林地用途",
      "《中华人民共和国森林法》第七十三条第一款", ("罚款+其他",), (10000, 300000),
      "经查，当事人{n}未经县级以上人民政府林业主管部门审核同意，在{x}擅自占用林地{q}亩堆放砂石、修建道路，"
      "违反了《中华人民共和国森林法》第三十七条第一款的规定。",
      _ALL_TOWNS, qty=(2, 60), other="责令限期恢复植被和林业生产条件"),
    # ---- public security
    V("public_security", ("hotel",), 2, "住宿业未对客户身份进行查验",
      "《中华人民共和国反恐怖主义法》第八十六条第二款", ("罚款",), (100000, 500000),
      "{m}，公安机关检查发现，当事人{n}在为旅客办理入住手续时未对{q}名旅客的身份进行查验登记，"
      "经责令改正后拒不改正，违反了《中华人民共和国反恐怖主义法》第二十一条的规定。", qty=(1, 5)),
    V("public_security", ("logistics",), 1, "物流运营单位未实行安全查验制度",
      "《中华人民共和国反恐怖主义法》第八十五条第（一）项", ("罚款",), (100000, 500000),
      "{m}，公安机关检查发现，当事人{n}在收寄货物时未实行安全查验制度，未对客户身份进行查验登记，"
      "违反了《中华人民共和国反恐怖主义法》第二十条第一款的规定。"),
    V("public_security", (PERSON,), 3, "殴打他人", "《中华人民共和国治安管理处罚法》第四十三条第一款",
      ("行政拘留+罚款",), (200, 500),
      "{m}，当事人{n}在{x}因琐事与他人发生纠纷，殴打他人致其轻微伤，"
      "以上事实有当事人陈述、被侵害人陈述、证人证言等证据证实。",
      ("科尔沁区某饭店门前", "某小区停车场", "某超市门口", "某烧烤店内")),
    V("public_security", (PERSON,), 2, "参与赌博赌资较大", "《中华人民共和国治安管理处罚法》第七十条",
      ("行政拘留", "罚款", "行政拘留+罚款"), (200, 3000),
      "{m}，当事人{n}伙同他人在{x}以“推牌九”的方式进行赌博，赌资较大，"
      "以上事实有当事人陈述、现场照片等证据证实。", _ALL_TOWNS),
    # ---- commerce
    V("commerce", ("food_service", "services", "food_retail", "training", "auto"), 3,
      "发行单用途商业预付卡未按规定备案", "《单用途商业预付卡管理办法（试行）》第三十六条", ("罚款",),
      (10000, 30000),
      "经查，当事人{n}自{m}起发行单用途商业预付卡，未在开展单用途卡业务之日起30日内办理备案，"
      "经责令限期改正后逾期仍未改正。"),
    V("commerce", ("trade",), 1, "再生资源回收经营者未按规定备案", "《再生资源回收管理办法》第二十三条",
      ("罚款",), (500, 2000),
      "经查，当事人{n}自{m}起在经营场所从事{x}等再生资源回收经营活动，未在取得营业执照后30日内"
      "向商务主管部门备案，违反了《再生资源回收管理办法》第七条的规定。", ("废旧金属", "废纸", "废塑料")),
    V("commerce", ("auto", PERSON), 1, "未取得资质认定擅自从事报废机动车回收活动",
      "《报废机动车回收管理办法》第二十一条第一款", ("没收违法所得+没收非法财物+罚款",), (50000, 100000),
      "经查，当事人{n}未取得报废机动车回收拆解资质认定，自{m}起擅自回收报废机动车{q}辆并拆解出售零部件，"
      "违法所得{g}元。",
      goods="非法回收的报废机动车", gain=(2000, 40000), qty=(2, 20)),
    # ---- further domains of the shipped list
    V("education", ("training",), 2, "未经批准擅自举办民办学校", "《中华人民共和国民办教育促进法》第六十四条",
      ("警告+其他",), None,
      "经查，当事人{n}未经教育行政部门批准，自{m}起以“{x}”名义面向中小学生开展学科类培训，"
      "违反了《中华人民共和国民办教育促进法》第十二条的规定。",
      ("暑期辅导班", "作业托管班", "学科提升班"), other="责令停止办学，退还所收费用"),
    V("finance", LARGE, 2, "不依法设置会计账簿", "《中华人民共和国会计法》第四十二条第一款第（一）项",
      ("罚款",), (3000, 50000),
      "经会计信息质量检查，当事人{n}未依法设置{x}，部分经济业务事项未办理会计手续、进行会计核算，"
      "违反了《中华人民共和国会计法》第三条的规定。",
      ("总账", "现金日记账", "银行存款日记账")),
    V("housing_provident_fund", EMPLOYERS, 2, "单位不办理住房公积金缴存登记",
      "《住房公积金管理条例》第三十七条", ("罚款",), (10000, 50000),
      "经查，当事人{n}未为本单位{q}名职工办理住房公积金缴存登记和账户设立手续，经责令限期办理后逾期不办理，"
      "违反了《住房公积金管理条例》第十四条、第十五条的规定。", qty=(3, 60)),
    V("public_resource_trading", ("construction",), 2, "投标人以他人名义投标",
      "《中华人民共和国招标投标法》第五十四条第一款", ("罚款",), (10000, 200000),
      "经查，当事人{n}在{x}项目招标投标活动中借用其他企业资质以他人名义投标，"
      "违反了《中华人民共和国招标投标法》第三十三条的规定。", _BUILDINGS),
)


_FOOD_RETAIL_ITEMS = (
    "经营项目：预包装食品销售（含冷藏冷冻食品）；散装食品销售（不含冷藏冷冻食品）",
    "经营项目：预包装食品销售（不含冷藏冷冻食品）；保健食品销售",
    "经营项目：预包装食品销售（含冷藏冷冻食品）；特殊医学用途配方食品销售；婴幼儿配方乳粉销售",
)
LICENCES = (
    L("market_supervision", ("food_service",), 10, "食品经营许可决定书", "普通", "食品经营许可证", "JY2{d}{s:06d}{c}",
      5, ("经营项目：热食类食品制售", "经营项目：热食类食品制售；冷食类食品制售",
          "经营项目：热食类食品制售；自制饮品制售；预包装食品销售（不含冷藏冷冻食品）"), "食许"),
    L("market_supervision", ("food_retail", "trade", "pharmacy"), 8, "食品经营许可决定书", "普通", "食品经营许可证",
      "JY1{d}{s:06d}{c}", 5, _FOOD_RETAIL_ITEMS, "食许"),
    L("market_supervision", ("food_production",), 5, "食品生产许可决定书", "普通", "食品生产许可证",
      "SC1{x}{d}{s:04d}{c}", 5,
      ("食品类别：粮食加工品；类别编号：0101", "食品类别：肉制品；类别编号：0401", "食品类别：乳制品；类别编号：0501",
       "食品类别：饮料；类别编号：0601", "食品类别：糕点；类别编号：2401"), "食生许", ("01", "04", "05", "06", "24")),
    L("market_supervision", ("pharmacy",), 5, "药品经营许可决定书", "普通", "药品经营许可证", "蒙CB475{s:04d}", 5,
      ("经营范围：中药饮片、中成药、化学药、生物制品（除疫苗）",
       "经营范围：处方药、非处方药：中成药、化学药制剂、抗生素制剂"),
      "药许"),
    L("market_supervision", ("food_workshop",), 6, "食品生产加工小作坊登记决定书", "登记", "食品生产加工小作坊登记证",
      "XZF{d}{s:05d}", 3,
      ("生产加工品种：豆腐、豆制品", "生产加工品种：馒头、花卷等发酵面制品", "生产加工品种：熟肉制品"), "坊登"),
    L("market_supervision", ("building_materials", "chemical", "metallurgy"), 2, "工业产品生产许可决定书", "普通",
      "全国工业产品生产许可证", "（蒙）XK{x}-{s:05d}", 5,
      ("产品名称：危险化学品（有机产品）", "产品名称：建筑用钢筋", "产品名称：水泥", "产品名称：化肥"), "产许",
      ("13-217", "13-204", "06-014", "16-201")),
    L("ecology_environment", EMITTERS | {"medical", "auto"}, 6, "排污许可决定书", "普通", "排污许可证", "{u}001P", 5,
      ("管理类别：简化管理；主要污染物类别：废气、废水", "管理类别：重点管理；主要污染物类别：废气",
       "管理类别：简化管理；主要污染物类别：废气；执行标准：锅炉大气污染物排放标准"), "许"),
    L("ecology_environment", EMITTERS | {"cooperative", "auto"}, 3, "建设项目环境影响报告表审批意见", "普通", "", "", 5,
      "关于{x}项目环境影响报告表的批复", "审", _PROJECTS),
    L("emergency_management", ("fuel", "chemical", "trade"), 4, "危险化学品经营许可决定书", "普通",
      "危险化学品经营许可证", "蒙通危化经字〔{y}〕{s:06d}", 3,
      ("许可范围：汽油、柴油〔闭杯闪点≤60℃〕零售", "许可范围：液化石油气、甲烷（不带储存设施经营）",
       "许可范围：盐酸、硫酸、氢氧化钠（无储存）"), "危许"),
    L("emergency_management", ("food_retail", "trade"), 3, "烟花爆竹经营（零售）许可决定书", "普通",
      "烟花爆竹经营（零售）许可证", "（蒙）YH经许零字〔{y}〕{s:05d}号", 3,
      ("经营范围：C级、D级个人燃放类烟花爆竹零售", "经营范围：个人燃放类烟花爆竹零售；限量存放{q}0箱"), "烟许"),
    L("fire", ("hotel", "entertainment", "food_service", "training", "food_retail"), 4,
      "公众聚集场所投入使用、营业前消防安全检查合格证", "普通", "", "", 3,
      "场所名称：{n}；使用性质：公众聚集场所；建筑面积：{v}平方米", "公众审", value=(200, 6000)),
    L("human_resources", ("labour",), 3, "劳务派遣经营许可决定书", "普通", "劳务派遣经营许可证", "{d}{y}{s:04d}", 3,
      "经营范围：劳务派遣", "劳派许"),
    L("human_resources", ("labour",), 2, "人力资源服务许可决定书", "普通", "人力资源服务许可证",
      "（蒙）人服证字〔{y}〕第{d}{s:04d}号", 5,
      "许可范围：职业介绍、人力资源供求信息的收集和发布、就业和创业指导", "人服许"),
    L("housing_construction", ("construction", "real_estate"), 6, "建筑工程施工许可决定书", "普通",
      "建筑工程施工许可证", "{d}{y}{s:04d}0101", 3, "工程名称：{x}；建设规模：{v}平方米", "施许", _BUILDINGS,
      value=(800, 30000)),
    L("housing_construction", ("construction",), 3, "建筑业企业资质许可决定书", "认可", "建筑业企业资质证书",
      "D315{s:06d}", 5,
      ("资质类别及等级：建筑工程施工总承包三级", "资质类别及等级：市政公用工程施工总承包二级",
       "资质类别及等级：建筑装修装饰工程专业承包二级", "资质类别及等级：施工劳务不分等级"), "资许"),
    L("housing_construction", ("real_estate",), 2, "商品房预售许可决定书", "普通", "商品房预售许可证",
      "通房预售证第{y}{s:04d}号", 3, "项目名称：{x}；预售面积：{v}平方米", "预许", _BUILDINGS, value=(3000, 30000)),
    L("transport", ("logistics",), 6, "道路运输经营许可决定书", "普通", "道路运输经营许可证",
      "蒙交运管许可通字{d}{s:06d}号", 3,
      ("经营范围：道路普通货物运输", "经营范围：道路普通货物运输；货物专用运输（集装箱）",
       "经营范围：道路旅客运输（县内班车客运）"), "运许"),
    L("natural_resources", ("real_estate", "construction"), 3, "建设工程规划许可决定书", "普通", "建设工程规划许可证",
      "建字第{d}{y}{s:05d}号", 3, "项目名称：{x}；建设规模：{v}平方米", "规许", _BUILDINGS, value=(800, 30000)),
    L("natural_resources", ("mining", "building_materials"), 2, "采矿许可决定书", "特许", "采矿许可证",
      "C{d}{y}{s:07d}", 5, ("开采矿种：建筑用砂；开采方式：露天开采；生产规模：{q}0万吨/年",
                            "开采矿种：煤；开采方式：露天开采；生产规模：{q}00万吨/年"), "矿许"),
    L("health", ("hotel", "services", "entertainment"), 6, "公共场所卫生许可决定书", "普通", "公共场所卫生许可证",
      "蒙卫公证字〔{y}〕第{d}-{s:06d}号", 5, ("许可项目：住宿", "许可项目：美容美发", "许可项目：沐浴",
                                             "许可项目：歌舞厅"), "公许"),
    L("health", ("medical",), 4, "医疗机构执业许可决定书", "普通", "医疗机构执业许可证", "PDY{s:05d}{d}{x}", 5,
      ("诊疗科目：内科；外科；中医科", "诊疗科目：口腔科", "诊疗科目：预防保健科；全科医疗科"), "医许",
      ("17A1002", "12D2202", "52D2102")),
    L("culture_tourism", ("tech", "media"), 2, "网络文化经营许可决定书", "普通", "网络文化经营许可证",
      "蒙网文〔{y}〕{s:04d}-{x}号", 3, "许可范围：利用信息网络经营音乐娱乐产品、演出剧（节）目、动漫产品", "网文许",
      ("016", "032", "045")),
    L("culture_tourism", ("entertainment",), 3, "娱乐经营许可决定书", "普通", "娱乐经营许可证", "{d}1200{y}{s:04d}",
      3, ("经营范围：歌舞娱乐场所", "经营范围：游艺娱乐场所"), "娱许"),
    L("culture_tourism", ("travel",), 2, "旅行社业务经营许可决定书", "普通", "旅行社业务经营许可证",
      "L-NM-{s:05d}", 5, "经营范围：境内旅游业务、入境旅游业务", "旅许"),
    L("agriculture", ("agri_supply",), 4, "农药经营许可决定书", "普通", "农药经营许可证",
      "农药经许（蒙）{d}{y}{s:04d}", 5, "经营范围：农药（不含限制使用农药）", "农药许"),
    L("agriculture", ("agri_supply",), 3, "兽药经营许可决定书", "普通", "兽药经营许可证",
      "（{y}）兽药经营证字{d}{s:03d}号", 5, "经营范围：兽用化学药品、中兽药（不含兽用生物制品）", "兽药许"),
    L("agriculture", ("cooperative", "agri_business", "food_production"), 3, "动物防疫条件合格证核发决定书", "普通",
      "动物防疫条件合格证", "（通）动防合字第{y}{s:04d}号", 5,
      ("经营范围：肉牛养殖；规模：存栏{q}00头", "经营范围：肉羊养殖；规模：存栏{q}000只", "经营范围：畜禽屠宰加工"),
      "动防许"),
    L("agriculture", ("agri_supply", "agri_business"), 2, "农作物种子生产经营许可决定书", "普通",
      "农作物种子生产经营许可证",
      "C（蒙通）农种许字（{y}）第{s:04d}号", 5, "生产经营范围：玉米；生产经营方式：加工、包装、批发、零售", "种许"),
    L("water", ("agri_business", "cooperative", "food_production", "chemical", "building_materials", "mining",
                "heating"), 4, "取水许可决定书", "普通", "取水许可证", "取水（蒙通）字〔{y}〕第{s:05d}号", 5,
      "取水地点：{x}；取水方式：地下水；年取水量：{q}万立方米", "取许", _ALL_TOWNS, qty=(1, 60)),
    L("forestry_grassland", ("cooperative", "agri_business"), 3, "林木采伐许可决定书", "普通", "林木采伐许可证",
      "{a}采许字〔{y}〕第{s:04d}号", 3, "采伐地点：{x}；采伐树种：杨树；采伐方式：更新采伐；蓄积：{q}立方米", "采许",
      _ALL_TOWNS, qty=(20, 600)),
    L("forestry_grassland", ("construction", "mining"), 2, "使用林地审核同意书", "普通", "", "", 3,
      "项目名称：{x}；使用林地面积：{q}公顷", "林审", _PROJECTS, qty=(1, 30)),
    L("urban_management", ("construction", "logistics"), 3, "城市建筑垃圾处置核准决定书", "核准", "建筑垃圾处置核准证",
      "{a}建垃核字〔{y}〕{s:03d}号", 3, "核准事项：建筑垃圾运输；核准车辆：{q}台", "建垃核", qty=(2, 30)),
    L("urban_management", ("media", "trade", "food_service", "hotel"), 2, "设置大型户外广告审批决定书", "普通", "",
      "", 3,
      "设置地点：{x}；规格：{q}米×3米", "广许", _STREETS, qty=(4, 20)),
    L("public_security", ("hotel",), 4, "特种行业许可决定书", "普通", "特种行业许可证", "{a}特旅字第{y}{s:04d}号", 5,
      "许可项目：旅馆业；客房{q}间", "特许", qty=(8, 120)),
    L("public_security", ("media",), 1, "特种行业许可决定书", "普通", "特种行业许可证", "{a}特刻字第{y}{s:04d}号", 5,
      "许可项目：公章刻制业", "特许"),
    L("drug_regulation", ("pharmacy",), 3, "药品经营许可决定书", "普通", "药品经营许可证", "蒙AA475{s:04d}", 5,
      "经营范围：中药饮片、中成药、化学药、生物制品", "药许"),
    L("drug_regulation", ("pharmacy", "medical"), 3, "医疗器械经营许可决定书", "普通", "医疗器械经营许可证",
      "蒙通药监械经营许{y}{s:04d}号", 5, ("经营范围：Ⅲ类：14注输、护理和防护器械", "经营范围：Ⅲ类：22临床检验器械"),
      "械许"),
    L("tax", BUSINESS - {"cooperative"}, 3, "准予税务行政许可决定书", "普通", "", "", 3,
      "增值税专用发票（增值税税控系统）最高开票限额：{x}", "许", ("十万元", "一百万元", "一万元")),
    L("education", ("training",), 2, "民办学校办学许可决定书", "普通", "民办学校办学许可证", "教民{d}{y}{s:04d}号", 5,
      ("办学内容：艺术类培训", "办学内容：体育类培训", "办学内容：科技类培训"), "民教许"),
)
# fmt: on


def fallback_violation(domain: str, domain_name: str) -> Violation:
    """A plain violation for a domain the catalogue does not describe (departments added later)."""
    return V(
        domain,
        BUSINESS,
        1,
        f"违反{domain_name}管理规定",
        "《中华人民共和国行政处罚法》第二十八条第一款",
        ("警告", "罚款", "警告+罚款"),
        (1000, 10000),
        f"经查，当事人{{n}}存在违反{domain_name}领域法律法规规定的行为，经调查核实，事实清楚，证据确凿，"
        f"当事人对违法事实无异议。",
    )


# --------------------------------------------------------------------------- records

# How often each domain acts, by kind (unlisted domains: 1). Tax and market supervision dominate
# real dual-publicity data; licences are mostly market supervision.
_PENALTY_DOMAIN_WEIGHTS = {
    "market_supervision": 30,
    "tax": 24,
    "ecology_environment": 6,
    "emergency_management": 6,
    "fire": 6,
    "human_resources": 3,
    "housing_construction": 4,
    "transport": 6,
    "natural_resources": 3,
    "health": 4,
    "medical_insurance": 3,
    "culture_tourism": 2,
    "agriculture": 3,
    "water": 2,
    "statistics": 2,
    "urban_management": 5,
    "forestry_grassland": 3,
    "public_security": 3,
    "commerce": 1,
    "drug_regulation": 2,
}
_LICENCE_DOMAIN_WEIGHTS = {
    "market_supervision": 40,
    "ecology_environment": 6,
    "emergency_management": 3,
    "fire": 3,
    "housing_construction": 6,
    "transport": 6,
    "health": 5,
    "culture_tourism": 3,
    "agriculture": 4,
    "water": 2,
    "forestry_grassland": 2,
    "urban_management": 2,
    "public_security": 2,
    "drug_regulation": 2,
    "tax": 2,
    "human_resources": 1,
    "natural_resources": 2,
}
_LOCAL_SHARE = 0.8  # where a county department exists, it makes most of the decisions about its entities
_PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _yuan(cents: int) -> str:
    """Cents as a yuan figure the way decisions write it: 356, 356.4, 356.45."""
    if cents % 100 == 0:
        return str(cents // 100)
    return f"{cents // 100}.{cents % 100:02d}".rstrip("0")


def _wan(cents: int) -> str:
    """Cents as 万元 with up to six decimals and no trailing zeros: "0.5", "2.35", "0.035645"."""
    whole, frac = divmod(cents, 1_000_000)
    return f"{whole}.{frac:06d}".rstrip("0").rstrip(".")


class _Department:
    __slots__ = ("name", "uscc", "district", "abbr", "domain", "penalties", "licences")

    def __init__(self, raw: dict, districts: dict, shipped_abbr: dict):
        self.name = raw["name"]
        self.uscc = raw["uscc"]
        self.district = raw["district"]
        self.domain = raw["domain"]
        abbr = raw.get("abbr") or shipped_abbr.get(self.uscc)
        if not abbr:  # departments added later: district initial + first characters of the name
            place = districts.get(self.district, "通辽市")
            abbr = place[0] + self.name.replace(place, "")[:2]
        self.abbr = abbr
        self.penalties: dict[str, list] = {}
        self.licences: dict[str, list] = {}


_PENALTY_SUFFIX = {
    "market_supervision": "处罚",
    "tax": "稽罚",
    "fire": "行罚决字",
    "public_security": "（治）行罚决字",
    "human_resources": "劳监罚字",
}


def _prepare_departments(departments: list[dict], domains: dict) -> list[_Department]:
    """Attach to each department the violations and licences it deals with, by industry."""
    districts = load_districts()
    shipped_abbr = {d["uscc"]: d["abbr"] for d in load_departments()}
    prepared = []
    for raw in departments:
        dept = _Department(raw, districts, shipped_abbr)
        violations = [v for v in VIOLATIONS if dept.domain in v.domains]
        if not violations:
            name = domains.get(dept.domain, {}).get("name", dept.domain)
            violations = [fallback_violation(dept.domain, name)]
        licences = [lic for lic in LICENCES if dept.domain in lic.domains]
        for table, items in ((dept.penalties, violations), (dept.licences, licences)):
            for item in items:
                for industry in sorted(item.industries):
                    table.setdefault(industry, []).extend([item] * item.weight)
        prepared.append(dept)
    return prepared


def _department_tables(depts: list[_Department], district_codes, industries, table_attr: str, weights: dict):
    """(industry, district) → cumulative-weight table of the departments that can act on such a party."""
    tables = {}
    for industry in industries:
        for district in district_codes:
            by_domain: dict[str, list[_Department]] = {}
            for dept in depts:
                if industry in getattr(dept, table_attr) and dept.district in (CITY, district):
                    by_domain.setdefault(dept.domain, []).append(dept)
            pairs = []
            for domain, candidates in by_domain.items():
                weight = weights.get(domain, 1)
                local = [d for d in candidates if d.district == district and district != CITY]
                city = [d for d in candidates if d not in local]
                if local and city:
                    pairs += [(d, weight * _LOCAL_SHARE / len(local)) for d in local]
                    pairs += [(d, weight * (1 - _LOCAL_SHARE) / len(city)) for d in city]
                else:
                    pairs += [(d, weight / len(candidates)) for d in candidates]
            if pairs:
                tables[industry, district] = _weighted_table(pairs)
    return tables


def generate_records(entities: list[dict], departments: list[dict], n: int, seed: int, today: date) -> Iterator[dict]:
    """Yield `n` credit records (about 75 % penalties, 25 % licences) about `entities`.

    `entities` are dicts as made by `generate_entities`; `departments` are dicts as in
    departments.json (uscc, name, domain, district, optionally abbr for decision numbers; a domain
    the catalogue does not know gets plain generic violations).

    Every record has the key `kind` ("penalty" or "licence") and every field of the layout for its
    kind (`KIND_FIELDS`), optional ones as "" when empty; dates are ISO strings, amounts are 万元
    strings. Decision dates fall in the four years up to `today`, recent years more often. About 2 %
    of penalties concern natural persons. The natural key (source unit USCC, decision number, party
    USCC or ID number) is unique because decision numbers are unique per department.
    """
    if not entities:
        raise ValueError("generate_records needs at least one entity")
    if not departments:
        raise ValueError("generate_records needs at least one department")
    rng = Random(seed)
    r = rng.random
    domains = load_domains()["domains"]
    depts = _prepare_departments(departments, domains)
    # Entities from elsewhere may lack the generator's own keys: fall back to the code's division
    # and to plain trading.
    entity_districts = [e.get("district") or uscc_rules.division(e["uscc"]) for e in entities]
    entity_industries = [e.get("industry") or "trade" for e in entities]
    district_codes = sorted(set(entity_districts) | {d.district for d in depts} | {CITY})
    industries = sorted(set(entity_industries) | {PERSON})
    penalty_tables = _department_tables(depts, district_codes, industries, "penalties", _PENALTY_DOMAIN_WEIGHTS)
    licence_tables = _department_tables(depts, district_codes, industries, "licences", _LICENCE_DOMAIN_WEIGHTS)
    person_districts = [d for d in district_codes if (PERSON, d) in penalty_tables]

    # Dates: index = days before today.
    start = _add_years(today, -SPAN_YEARS)
    span = (today - start).days
    days = [today - timedelta(days=i) for i in range(span + 150)]
    iso = [d.isoformat() for d in days]
    years = [d.year for d in days]
    cn_dates = [f"{d.year}年{d.month}月{d.day}日" for d in days]
    cn_months = [f"{d.year}年{d.month}月" for d in days]
    today_iso = today.isoformat()
    valid_to = {}
    for term in (3, 5):
        ends = [(_add_years(d, term) - timedelta(days=1)).isoformat() for d in days[:span]]
        valid_to[term] = ends
    plates = ["蒙G" + "".join(_PLATE_CHARS[int(r() * len(_PLATE_CHARS))] for _ in range(5)) for _ in range(997)]
    wan_of_fine = {}

    # Parties: skewed weights, so most entities have a few records and some have dozens.
    parties, cum, total = [], [], 0.0
    for e, district, industry in zip(entities, entity_districts, entity_industries, strict=True):
        former = e.get("former_names") or []
        cutoff = int(span * (0.2 + 0.6 * r())) if former else span + 1
        parties.append(
            (
                e["name"],
                e["party_category"],
                e["uscc"],
                e.get("business_reg_no", ""),
                e.get("org_code", ""),
                e.get("tax_reg_no", ""),
                e.get("legal_rep", ""),
                e.get("legal_rep_id_type", "身份证"),
                e.get("legal_rep_id_no", ""),
                district,
                industry,
                former[0] if former else "",
                cutoff,
            )
        )
        total += min(rng.paretovariate(1.2), 60.0)
        cum.append(total)
    if not any((p[10], p[9]) in penalty_tables for p in parties):
        raise ValueError("none of the departments can act on these entities")

    counters: dict[tuple, int] = {}
    for _ in range(n):
        licence = r() < LICENCE_SHARE
        if not licence and person_districts and r() < NATURAL_PERSON_SHARE:
            district = person_districts[int(r() * len(person_districts))]
            region = district if district not in (CITY, "150571") else "150502"
            name, id_no = _person(r, region)
            party = (name, "natural_person", "", "", "", "", "", "", "", district, PERSON, "", span + 1)
        else:
            while True:
                party = parties[bisect(cum, r() * total)]
                key = (party[10], party[9])
                if licence and key not in licence_tables:
                    licence = False
                if key in penalty_tables or (licence and key in licence_tables):
                    break
            id_no = ""
        dept = _pick(r, (licence_tables if licence else penalty_tables)[party[10], party[9]])
        pool = (dept.licences if licence else dept.penalties)[party[10]]
        item = pool[int(r() * len(pool))]
        u = r()
        off = int(span * (r() if u < 0.5 else min(r(), r())))
        year = years[off]
        ckey = (dept.uscc, licence, year)
        seq = counters.get(ckey, 0) + 1
        counters[ckey] = seq
        name = party[11] if off > party[12] else party[0]
        x = item.details[int(r() * len(item.details))]
        qlo, qhi = item.qty
        q = qlo + int(r() * (qhi - qlo + 1))
        vlo, vhi = item.value
        v = vlo + int(r() * (vhi - vlo))
        if licence:
            content = item.contents[int(r() * len(item.contents))]
            if "{" in content:
                content = content.format(n=name, x=x, q=q, v=v)
            number = (
                item.number.format(d=party[9], y=year, s=seq, c=seq % 10, u=party[2], a=dept.abbr, x=x)
                if item.number
                else ""
            )
            ends = valid_to[item.years][off]
            yield {
                "kind": LICENCE,
                "party_name": name,
                "party_category": party[1],
                "uscc": party[2],
                "business_reg_no": party[3],
                "org_code": party[4],
                "tax_reg_no": party[5],
                "institution_cert_no": "",
                "social_org_reg_no": "",
                "legal_rep": party[6],
                "legal_rep_id_type": party[7],
                "legal_rep_id_no": party[8],
                "id_type": "",
                "id_no": "",
                "decision_title": item.title,
                "decision_no": f"{dept.abbr}{item.suffix}〔{year}〕{seq}号",
                "license_category": item.category,
                "certificate_name": item.cert,
                "license_no": number,
                "content": content,
                "decision_date": iso[off],
                "valid_from": iso[off],
                "valid_to": ends,
                "status": ("有效" if r() > 0.02 else "已注销") if ends >= today_iso else "已过期",
                "authority": dept.name,
                "authority_uscc": dept.uscc,
                "source_unit": dept.name,
                "source_unit_uscc": dept.uscc,
                "remarks": "",
            }
            continue
        types, types_text = item.options[int(r() * len(item.options))]
        if item.fine_factor:
            fine = max(50, int(v * item.fine_factor) // 10 * 10)
        else:
            fines = item.fines
            fine = fines[int(r() * r() * len(fines))]  # discretion leans to the lower end
        gain_cents = 0
        if item.gain:
            glo, ghi = item.gain
            gain_cents = glo * 100 + int(r() * (ghi - glo) * 100)
            if gain_cents % 7:  # most gains are whole yuan
                gain_cents -= gain_cents % 100
        g = _yuan(gain_cents)
        before = off + 10 + int(r() * 100)
        facts = item.facts[int(r() * len(item.facts))].format(
            n=name, m=cn_dates[before], k=cn_months[before + 20], x=x, q=q, v=v, g=g, p=plates[int(r() * 997)]
        )
        parts = []
        fine_text = conf_text = affected = ""
        confiscated = 0
        for t in types:
            if t == "罚款":
                parts.append(f"罚款人民币{fine}元")
                fine_text = wan_of_fine.get(fine)
                if fine_text is None:
                    fine_text = wan_of_fine[fine] = _wan(fine * 100)
            elif t == "没收违法所得":
                parts.append(f"没收违法所得{g}元")
                confiscated += gain_cents
            elif t == "没收非法财物":
                parts.append(f"没收{item.goods}")
                confiscated += v * 100
            elif t == "其他":
                parts.append(item.other)
            elif t in ("暂扣许可证件", "吊销许可证件"):
                parts.append(f"{'暂扣' if t == '暂扣许可证件' else '吊销'}《{item.cert}》")
                affected = f"《{item.cert}》"
            elif t == "责令停产停业":
                parts.append(f"责令停产停业{1 + int(r() * 3)}个月")
            elif t == "限制开展生产经营活动":
                parts.append(f"限制开展生产经营活动{1 + int(r() * 6)}个月")
            elif t == "行政拘留":
                parts.append(f"行政拘留{5 + int(r() * 6)}日")
            elif t == "限制从业":
                parts.append(item.ban)
            elif t == "降低资质等级":
                parts.append(f"降低{item.cert}资质等级一级")
                affected = f"《{item.cert}》"
            else:
                parts.append(t)
        if confiscated:
            conf_text = _wan(confiscated)
        if len(parts) > 1 and r() < 0.5:
            content = "；".join(f"{i}.{p}" for i, p in enumerate(parts, 1)) + "。"
        else:
            content = "，".join(parts) + "。"
        basis = item.basis[0] if len(item.basis) == 1 else item.basis[int(r() * len(item.basis))]
        yield {
            "kind": PENALTY,
            "party_name": name,
            "party_category": party[1],
            "uscc": party[2],
            "business_reg_no": party[3],
            "org_code": party[4],
            "tax_reg_no": party[5],
            "institution_cert_no": "",
            "social_org_reg_no": "",
            "legal_rep": party[6],
            "legal_rep_id_type": party[7],
            "legal_rep_id_no": party[8],
            "id_type": "身份证" if id_no else "",
            "id_no": id_no,
            "decision_no": f"{dept.abbr}{_PENALTY_SUFFIX.get(dept.domain, '罚')}〔{year}〕{seq}号",
            "violation_type": item.vtype,
            "facts": facts,
            "legal_basis": basis,
            "penalty_types": types_text,
            "penalty_content": content,
            "fine_amount": fine_text,
            "confiscated_amount": conf_text,
            "license_affected": affected,
            "penalty_valid_until": "",
            "publicity_until": "",
            "severity": "",
            "decision_date": iso[off],
            "authority": dept.name,
            "authority_uscc": dept.uscc,
            "source_unit": dept.name,
            "source_unit_uscc": dept.uscc,
            "remarks": "",
        }


# --------------------------------------------------------------------------- bad rows

DEFECTS = (
    "uscc_check",
    "missing_required",
    "bad_date",
    "bad_amount",
    "unknown_penalty_type",
    "too_long",
    "unknown_party_category",
)
_REQUIRED = {kind: tuple(f.key for f in KIND_FIELDS[kind] if kind in f.required) for kind in (PENALTY, LICENCE)}
_BAD_DATES = ("2024-13-45", "2023年13月5日", "31/02/2024", "二〇二四年三月", "N/A", "2024-02-30", "20241301")
_BAD_AMOUNTS = ("-0.5", "-12", "五千元", "1.2.3", "abc", "约3千", "-0.000001")
_BAD_TYPES = ("责令改正", "罚没", "训诫", "批评教育")
_BAD_CATEGORIES = ("外籍人员", "9", "unknown", "其他人员")
_TOO_LONG_FIELDS = ("party_name", "decision_no", "legal_rep", "authority")


def _corrupt(row: dict, defect: str, r) -> dict:
    bad = dict(row)
    if defect == "uscc_check":
        code = bad["uscc"]
        wrong = _ALPHABET[(_ALPHABET.index(code[17]) + 1 + int(r() * 30)) % 31]
        bad["uscc"] = code[:17] + wrong
    elif defect == "missing_required":
        fields = _REQUIRED[bad["kind"]]
        bad[fields[int(r() * len(fields))]] = ""
    elif defect == "bad_date":
        bad["decision_date"] = _BAD_DATES[int(r() * len(_BAD_DATES))]
    elif defect == "bad_amount":
        bad["fine_amount"] = _BAD_AMOUNTS[int(r() * len(_BAD_AMOUNTS))]
    elif defect == "unknown_penalty_type":
        bogus = _BAD_TYPES[int(r() * len(_BAD_TYPES))]
        bad["penalty_types"] = bogus if r() < 0.5 else f"{bad['penalty_types']}{PENALTY_TYPE_SEPARATOR}{bogus}"
    elif defect == "too_long":
        key = _TOO_LONG_FIELDS[int(r() * len(_TOO_LONG_FIELDS))]
        limit = FIELDS_BY_KEY[key].max_length
        text = bad[key] or "超长"
        bad[key] = (text * (limit // len(text) + 2))[: limit + 1 + int(r() * 40)]
    elif defect == "unknown_party_category":
        bad["party_category"] = _BAD_CATEGORIES[int(r() * len(_BAD_CATEGORIES))]
    return bad


def generate_bad_rows(rows: Iterable[dict], share: float, seed: int) -> Iterator[tuple[dict, str | None]]:
    """Yield (row, defect) pairs: about `share` of the rows get exactly one realistic defect.

    Corrupted rows are copies; nothing in a row says it is bad. `defect` is one of DEFECTS, or None
    for a row passed through unchanged. Defects that do not apply to a row (a wrong check character
    for a row without USCC, an amount on a licence) are not chosen for it.
    """
    rng = Random(seed)
    r = rng.random
    for row in rows:
        if r() >= share:
            yield row, None
            continue
        choices = [
            d
            for d in DEFECTS
            if not (d == "uscc_check" and not row.get("uscc"))
            and not (d in ("bad_amount", "unknown_penalty_type") and row.get("kind") != PENALTY)
        ]
        defect = choices[int(r() * len(choices))]
        yield _corrupt(row, defect, r), defect
