"""Course-news topics: the key every course carries in `Course.topic`, and what people subscribe to (/subscribe).

One small fixed list, so that a broadcast audience ("subscribers of IT") and a course's category agree.
"""
from __future__ import annotations

from locales import N_

# key -> (Korean label, English label msgid). Order is the order shown to users.
TOPICS: dict[str, str] = {
    "it": N_("IT & digital"),
    "job": N_("Job skills & policy"),
    "leadership": N_("Leadership"),
    "core_values": N_("Core values & public service"),
    "new_hire": N_("New employees"),
    "future_talent": N_("Grade 6 future talent"),
    "retirement": N_("Retirement preparation"),
    "language": N_("Foreign languages (e-learning)"),
    "certificate": N_("Certificates (e-learning)"),
    "elearning": N_("E-learning"),
    "international": N_("International training"),
    "assessment": N_("Promotion assessment (grades 4·5)"),
}


def is_topic(key: str | None) -> bool:
    return key in TOPICS
