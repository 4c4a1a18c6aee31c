"""What to ignore in a colloquial request: particles (조사), endings, request words and generic words.

`태국어를 배우고 싶어요` → ['태국어'];  `재취업 교육 있나요` → ['재취업'];  `엑셀 강의 추천해줘` → ['엑셀'].
A particle is only stripped when at least two syllables remain, and the index keeps the unstripped word too,
so a word that merely ends like a particle (인재양성과) still matches itself.
"""
from __future__ import annotations

import re

# longest first, so 으로부터 wins over 로
PARTICLES = sorted("""
    으로부터 에서부터 이라든지 에게서 한테서 으로서 으로써 이라도 이라고 이라는 이라면 까지는 에서는 에서도 에게는
    으로는 으로도 이랑 에서 에게 한테 까지 부터 으로 처럼 보다 이나 이든 이며 이고 라고 라는 라면 마다 밖에 조차
    께서 께 과 와 을 를 이 가 은 는 의 에 로 도 만 랑 나 요 좀 란 이란 인데 이요 이야 야 예요 이에요 인가요 인지
""".split(), key=len, reverse=True)

# request phrases glued to the end of a word: 재취업교육있나요 → 재취업교육 → 재취업
ENDINGS = sorted("""
    배우고싶어요 배우고싶어 배우고싶다 배우고싶은데 배우고싶습니다 배울수있나요 배울수있는 배우기 배우는법 배우려면
    듣고싶어요 듣고싶어 듣고싶다 듣고싶은데 듣고싶습니다 들을수있나요 듣기
    알려주세요 알려줘요 알려줘 알려주라 찾아주세요 찾아줘요 찾아줘 찾고있어요 찾아요 찾고싶어요 추천해주세요 추천해줘요
    추천해줘 추천좀 추천 신청하고싶어요 신청하고싶어 신청할래요 신청할래 신청하기 신청 수강하고싶어요 수강신청 수강
    있나요 있어요 있습니까 있을까요 있는지 있니 있냐 있음 없나요 없어요 있어 할래요 할래 하고싶어요 하고싶어
    하고싶다 싶어요 싶어 싶다 싶은데 주세요 해주세요 해줘 관련 관한 대한 교육과정 교육 과정 강의 강좌 수업
    프로그램 클래스 코스 과목 공부 하는법 잘하는법 잘하기 방법 법 하려면 하면 하는 하고 하기 해서 할때 하게 되면 따고싶어 따기
""".split(), key=len, reverse=True)

# whole tokens that carry no topic: dropped before matching
FUNCTION_WORDS = frozenset("""
    배우고 배우고싶어요 배우고싶어 배우고싶다 배우고싶은데 배우고 배우기 배울 배울수 배워 배우는 배우려면 배우려고 배워보고
    듣고 듣기 들을 들을수 들어 들으려면 듣고싶어요 듣고싶어 싶어요 싶어 싶다 싶은데 싶습니다 싶은 싶네요
    있나요 있나 있어요 있습니까 있을까요 있는지 있니 있냐 있음 있어 있는 있으면 있는데 없나요 없나 없어요 없을까요 있죠 있지
    알려주세요 알려줘요 알려줘 알려 주세요 주라 줘 찾아주세요 찾아줘 찾아줘요 찾고 찾아요 찾는 찾고있어요 추천 추천해줘 추천해주세요
    추천해줘요 추천좀 해줘 해주세요 해줘요 할래 할래요 하고 하고싶어요 하고싶어 하고싶다 하는 하려면 하려고 해요 합니다
    신청 신청하고 신청할래 신청하기 신청하고싶어요 수강 수강하고 수강신청 공부 공부하고 공부하기 받고 받고싶어요 받을 받을수
    교육 교육과정 과정 강의 강좌 수업 프로그램 클래스 코스 과목 연수과정 교육프로그램 교육은 과정은
    관련 관련된 관한 대한 대해 대해서 관해서 관련해서 위한 무슨 어떤 어느 뭐 뭐가 뭐있어 뭔가 무엇 어디 어디서 언제 어떻게
    좀 제발 혹시 저 제가 나 내가 우리 저도 저는 나는 요즘 지금 이번 다음 혹은 그리고 또는 정말 진짜 꼭 같은 등 것 거
    받는 받으려면 받아야 들어야 해야 해야해요 따고 따려면 딸 따는 잘 쓰는 하나요 되나요 돼요 되면
    원해요 원해 원합니다 필요해요 필요해 필요한 필요 가능한 가능 좋은 괜찮은 있는거 있는것 알고 알고싶어요 궁금해요 궁금
    목록 전부 전체 모두 리스트 종류 일정 스케줄 시간표 시작 시작하는 시작되는 개설 개설된 열리는 열려요 진행 진행하는
    정보 안내 보여줘 보여주세요 보여줘요 볼래 보기 다음달 이번달 올해 내년 요번 이번주 다음주
    please i want wanna need to a an the for about on in of and or me my is are there any some course courses class
    with without at by from during starting start starts next this that these those all list every show me available
    classes training lesson lessons program programme learn learning study studying take taking looking find show
    how what which where when can could would like do does i'm im
""".split())

# words that say little alone: they may refine a match but never make one by themselves
GENERIC = frozenset("""
    준비 이해 활용 실무 기초 기본 심화 입문 역량 강화 향상 관리 운영 업무 직무 전문 정책 서울 시민 서울시 공무원 직원
    사업 기획 방법 실습 능력 과정 교육 이해과정 양성 양성과정 설계 전략 사례 분석 개발 제도 행정 공공 시정 공통 일반
    스킬 기법 트렌드 아카데미 리더 실무자 담당자 신규 신임 공직 가치 변화 혁신 미래 행복 인생 생활 문화 소통 1 2 3
    만들기 쓰기 하기 작성 활용법 사용법 배우기 시험 시험준비 자료 문서 교재 온라인 오프라인 대상 대상자 교육생
    예방 응대 대응 요령
    basic basics advanced intro introduction skills skill work working management public policy seoul new
""".split())

_PARTICLE_SET = frozenset(PARTICLES)
_PARTICLE_LENGTHS = sorted({len(p) for p in PARTICLES}, reverse=True)
_ENDING_SET = frozenset(ENDINGS)
_ENDING_LENGTHS = sorted({len(e) for e in ENDINGS}, reverse=True)


def _strip_longest(word: str, suffixes: frozenset[str], lengths: list[int]) -> str:
    for n in lengths:
        if len(word) - n >= 2 and word[-n:] in suffixes:
            return word[:-n]
    return word


def strip_particle(word: str) -> str:
    """태국어를 → 태국어, 엑셀은 → 엑셀; keeps at least two syllables (과 in 인재양성과 only if ≥ 2 remain)."""
    return _strip_longest(word, _PARTICLE_SET, _PARTICLE_LENGTHS)


# a noun turned into a verb with 하다/되다 (재택근무할, 중재하는, 승진했어요, 임용된): the noun is what is meant
_HADA = re.compile(r"(.{2,}?)(?:하였|하|할|한|함|합|해|했|됐|된|되|될|돼)(.*)")
_HADA_REST = frozenset("하해할한합함고싶어요니까나서게면기는은을세시주줘드돼되있없려렵데죠네래습다지냐야봐와도가수었았던든며때")


def strip_hada(word: str) -> str:
    """재택근무할 → 재택근무, 승진했는데 → 승진; a word without such an ending is returned as is."""
    m = _HADA.fullmatch(word)
    if m and has_hangul_only(m.group(1)) and all(ch in _HADA_REST for ch in m.group(2)):
        return m.group(1)
    return word


def strip_plural(word: str) -> str:
    """직원들이랑 → 직원들 → 직원 (the plural 들 after at least two syllables)."""
    word = strip_particle(word)
    return word[:-1] if len(word) >= 3 and word.endswith("들") else word


def has_hangul_only(text: str) -> bool:
    return all("가" <= ch <= "힣" for ch in text)


def strip_endings(word: str) -> str:
    """Request phrases glued to a word, repeatedly: 재취업교육있나요 → 재취업; particles too."""
    for _ in range(4):
        before = word
        word = strip_particle(_strip_longest(word, _ENDING_SET, _ENDING_LENGTHS))
        if word == before:
            break
    return word


# verbs of asking for a course (신청해요, 배울까요, 수강하려면): the stem, then only ending syllables
REQUEST_STEMS = ("신청", "수강", "공부", "배우", "배워", "배울", "듣", "들을", "들어", "알려", "찾", "추천", "문의", "등록",
                 "가르쳐", "받")
ENDING_FIRST = frozenset("하해할한합함싶을는은고까려니요기게면")   # 신청서, 추천서 are nouns: 서 cannot start the ending
ENDING_SYLLABLES = frozenset("하해할한합함고싶어요니까나서게면기는은을세시주줘드돼되있없려렵데죠네래습다지냐야봐와도가수")


def is_request_verb(word: str) -> bool:
    for stem in REQUEST_STEMS:
        if word.startswith(stem) and len(word) > len(stem):
            rest = word[len(stem):]
            return rest[0] in ENDING_FIRST and all(ch in ENDING_SYLLABLES for ch in rest)
    return False


def is_function_word(word: str) -> bool:
    return (word in FUNCTION_WORDS or strip_particle(word) in FUNCTION_WORDS or strip_endings(word) in FUNCTION_WORDS
            or is_request_verb(word))


def content_terms(words: list[str]) -> list[tuple[str, str]]:
    """(core, as typed) for each word of a request that names what is wanted: particles and endings removed."""
    out = []
    for w in words:
        if is_function_word(w):
            continue
        core = strip_endings(w)
        if core and core not in FUNCTION_WORDS:
            out.append((core, w))
    return out


def content_words(words: list[str]) -> list[str]:
    """The words of a request that name what is wanted, particles and endings removed."""
    return [core for core, _ in content_terms(words)]


def is_generic(word: str) -> bool:
    return word in GENERIC


# endings of conjugated verbs and adjectives (가서, 살고, 싶어, 좋겠다): such a word says how, not what
PREDICATE_ENDINGS = tuple("고 서 어 아 요 면 며 죠 네 래 까 봐 줘 해 워 져 야 냐".split())


def looks_like_predicate(word: str) -> bool:
    """A Korean word shaped like a conjugated verb; used only for words the catalog knows nothing about.
    A language's name (독일어) ends like 싶어 but is a noun."""
    from catalog.search.refusal import closest_category

    return (len(word) >= 2 and word.endswith(PREDICATE_ENDINGS) and not word.isascii()
            and closest_category(word) != "language")


# words of a chat sentence that say how or when, never what (read only by the sentence reader and the segmenter;
# the keyword path keeps its own, stricter lists above)
SENTENCE_FILLER = frozenset("""
    법 방법 때 생각 중 중인데 중입니다 데 만한 들을만한 도움 얘기 궁금 궁금합니다 궁금해요 어디서 어디로 뭐예요 뭔가요
    뭐부터 부탁 부탁드려요 부탁해요 드려요 이제 막 올해 작년 내년 이번 이번에 다시 제대로 너무 쉽게 직접 같이 곳
    어려워요 걱정 걱정돼요 대상인가요 되나요 하나요 해요 했어요 됐어요 됐는데 받아야 들어야 하는데 있는데 있을까
    있습니까 있을까요 있으면 알려 알려주세요 알려주는 가르쳐 가르쳐주는 가르쳐주세요 좋을까요 좋은 좋겠어요 싶은데요
    싶습니다 싶어하는데 하려는데 하려고 하려고요 하려면 할까요 할 수 수 있는 거 것 뭐 무슨 어떤 대해 정도 요즘 많던데
    인강 동영상 온라인 무료 지원 지원되나요 어떻게 언제 어디 누가 꼭 혹시 저 제 나 저희 우리 저는 제가 지금 곧 벌써
    for to of in on at the a an and or with about from my me i i'd id im i'm we you your any anything something some
    want wanna need needs learn learning study studying take taking get got just what which how where when who is are
    am be do does did can could would should will here there please help good better best way ways tips course courses
    class classes training program programme programs lesson lessons online looking find show tell know like there's
    have has had offer offers teach teaches taught anyone someone here's it's its people person who whom whose
    that city government joined join joining started became become
""".split())
