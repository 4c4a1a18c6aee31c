"""Query-side synonyms: what people type → words the catalog uses.

Keys and values are written naturally; they are normalised (compact, lower case) when looked up. A key matches a
whole query word (after particles are stripped) or the whole query without spaces. Each value is tried as an
alternative with a small penalty, so a real title match still wins over a synonym's.
Per-course extra aliases live in aliases.yaml (keyed by course id), not here.
"""
from __future__ import annotations

from catalog.search.normalize import compact

_RAW: dict[str, tuple[str, ...]] = {
    # retirement: colloquial names for 행복한 미래설계 / 인생이모작 준비
    "노후": ("행복한 미래설계", "인생이모작"),
    "노후준비": ("행복한 미래설계", "인생이모작 준비"),
    "노후설계": ("행복한 미래설계", "인생이모작 준비"),
    "은퇴": ("행복한 미래설계", "인생이모작 준비"),
    "은퇴준비": ("행복한 미래설계", "인생이모작 준비"),
    "은퇴설계": ("행복한 미래설계", "인생이모작 준비"),
    "정년": ("행복한 미래설계", "인생이모작 준비"),
    "정년퇴직": ("행복한 미래설계", "인생이모작 준비"),
    "퇴직": ("행복한 미래설계", "인생이모작 준비"),
    "퇴직준비": ("행복한 미래설계", "인생이모작 준비"),
    "퇴직예정": ("행복한 미래설계", "인생이모작 준비"),
    "퇴직예정자": ("행복한 미래설계", "인생이모작 준비"),
    "퇴직후": ("행복한 미래설계", "인생이모작 준비"),
    "제2의인생": ("인생이모작 준비", "행복한 미래설계"),
    "제2인생": ("인생이모작 준비", "행복한 미래설계"),
    "인생2막": ("인생이모작 준비", "행복한 미래설계"),
    "인생이막": ("인생이모작 준비", "행복한 미래설계"),
    "미래설계": ("행복한 미래설계",),
    "이모작": ("인생이모작 준비",),
    "귀농": ("귀농귀촌",), "귀촌": ("귀농귀촌",), "시골": ("귀농귀촌",), "농촌": ("귀농귀촌",), "전원생활": ("귀농귀촌",),
    "재취업": ("재취업 창업",), "재취직": ("재취업",), "창업": ("재취업 창업",), "이직": ("재취업",),
    "retirement": ("행복한 미래설계", "인생이모작 준비"), "retire": ("행복한 미래설계", "인생이모작 준비"),
    "retiring": ("행복한 미래설계", "인생이모작 준비"),
    # new employees
    "신입": ("신임자",), "신규": ("신임자",), "신규임용": ("신임자",), "신규공무원": ("신임자",), "새내기": ("신임자",),
    "신입사원": ("신임자",), "신규직원": ("신임자",), "신입직원": ("신임자",), "신임": ("신임자",), "신규자": ("신임자",),
    "newcomer": ("신임자",), "newcomers": ("신임자",), "onboarding": ("신임자",),
    # leadership and promotion
    "리더쉽": ("리더십",), "리더": ("리더십",), "leader": ("리더십",), "leaders": ("리더십",), "leadership": ("리더십",),
    "승진": ("승진자",), "승진자교육": ("승진자",), "promotion": ("승진자",), "promoted": ("승진자",),
    "관리자": ("과장", "팀장"), "manager": ("과장", "팀장"), "managers": ("과장", "팀장"),
    "teamleader": ("팀장",), "팀리더": ("팀장",),
    "역평": ("역량평가",), "assessment": ("역량평가",),
    # office and IT
    "엑셀": ("excel",), "excel": ("엑셀",), "스프레드시트": ("엑셀",), "spreadsheet": ("엑셀",),
    "ppt": ("파워포인트",), "pptx": ("파워포인트",), "피피티": ("파워포인트",), "파포": ("파워포인트",),
    "powerpoint": ("파워포인트",), "프레젠테이션": ("파워포인트",), "presentation": ("파워포인트", "발표"),
    "ai": ("인공지능",), "에이아이": ("인공지능",), "artificialintelligence": ("인공지능",), "인공지능": ("ai",),
    "iot": ("사물인터넷",), "internetofthings": ("사물인터넷",),
    "코딩": ("블록코딩", "코딩"), "coding": ("코딩",), "programming": ("코딩",), "프로그래밍": ("코딩",),
    "python": ("파이썬",), "파이썬": ("python",),
    "빅데이타": ("빅데이터",), "bigdata": ("빅데이터",), "data": ("데이터",), "데이타": ("데이터",),
    "statistics": ("통계",), "stats": ("통계",),
    "metaverse": ("메타버스",), "cloud": ("클라우드",), "drone": ("드론",), "drones": ("드론",),
    "smartphone": ("스마트폰",), "핸드폰": ("스마트폰",), "휴대폰": ("스마트폰",),
    "security": ("정보보호", "보안"), "보안": ("정보보호",), "개인정보": ("정보보호",), "해킹": ("보안", "정보보호"),
    "hacking": ("보안", "정보보호"),
    # certificates
    "컴활": ("컴퓨터활용능력",), "한능검": ("한국사능력",), "한국사": ("한국사능력",), "한자": ("한자능력",),
    "공중사": ("공인중개사",), "중개사": ("공인중개사",), "노무사": ("공인노무사",),
    "주관사": ("주택관리사",), "사복": ("사회복지사",), "손평": ("손해평가사",),
    "certificate": ("자격증",), "license": ("자격증",),
    # languages
    "english": ("영어",), "영어회화": ("영어",), "chinese": ("중국어",), "중국말": ("중국어",), "중어": ("중국어",),
    "mandarin": ("중국어",), "japanese": ("일본어",), "일어": ("일본어",), "일본말": ("일본어",),
    "french": ("프랑스어",), "불어": ("프랑스어",), "spanish": ("스페인어",), "portuguese": ("포르투갈어",),
    "arabic": ("아랍어",), "italian": ("이탈리아어",), "thai": ("태국어",), "태국말": ("태국어",),
    "indonesian": ("인도네시아어",), "vietnamese": ("베트남어",), "베트남말": ("베트남어",), "russian": ("러시아어",),
    "러시아말": ("러시아어",), "foreignlanguage": ("외국어",), "languages": ("외국어",), "language": ("외국어",),
    "회화": ("외국어",), "어학": ("외국어",),
    # other topics
    "international": ("국제연수",), "외국공무원": ("국제연수",), "해외공무원": ("국제연수",), "국제교류": ("국제연수",),
    "integrity": ("청렴",), "anticorruption": ("청렴",), "부패방지": ("청렴",),
    "report": ("보고서",), "reports": ("보고서",), "보고서작성": ("보고서",), "writing": ("작성",),
    "분쟁": ("갈등",), "다툼": ("갈등",), "dispute": ("갈등",), "disputes": ("갈등",),
    # verbs in a request, by what they mean for a course (행정 바꾸는 → 행정혁신, 예쁘게 → 꾸미기)
    "쓰기": ("활용",), "바꾸": ("혁신",), "바꾸기": ("혁신",), "혁신하": ("혁신",),
    "예쁘게": ("디자인", "꾸미기"), "예쁜": ("디자인", "꾸미기"), "예쁘": ("디자인", "꾸미기"),
    "conflict": ("갈등",), "갈등관리": ("갈등",), "communication": ("소통", "커뮤니케이션"),
    "커뮤니케이션": ("소통",), "welfare": ("복지",), "housing": ("주택",), "urbanplanning": ("도시계획",),
    "safety": ("안전",), "disaster": ("재난",), "climate": ("기후",), "transport": ("교통",), "traffic": ("교통",),
    "economy": ("경제",), "culture": ("문화",), "tourism": ("관광",), "health": ("건강",), "finance": ("재무",),
    "humanities": ("인문",), "redevelopment": ("정비사업",), "재개발": ("정비사업",), "재건축": ("정비사업",),
    "corevalues": ("핵심가치",),
    "futuretalent": ("미래인재",), "6급미래인재": ("미래인재",),
}

SYNONYMS: dict[str, tuple[str, ...]] = {}
for _key, _values in _RAW.items():
    SYNONYMS.setdefault(compact(_key), tuple(v for v in _values if compact(v) != compact(_key)))


def expansions(word: str) -> tuple[str, ...]:
    """Alternatives for one normalised word or compact query ('' tuple when none)."""
    return SYNONYMS.get(word, ())
