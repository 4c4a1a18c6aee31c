"""/subscribe: course news per topic, toggled with one button each; opt-out from any news notice with one press."""
from __future__ import annotations

from catalog.topics import TOPICS
from handlers.callbacks import Action, Choice, on
from handlers.turn import Turn, on_turn
from notifications.messages import Button
from notifications.news import subscribed_topics, toggle, unsubscribe

NEWS_TOGGLE = Action("nws", Choice("topic", tuple(TOPICS)))  # in /subscribe: on ⇄ off
NEWS_OFF = Action("nwo", Choice("topic", tuple(TOPICS)))  # under a news notice: off, said in a new message


async def _menu(t: Turn) -> tuple[str, list[list[Button]]]:
    mine = await subscribed_topics(t.session, t.user.id)
    buttons = [[Button(("✅ " if key in mine else "▫️ ") + t.tr(label), NEWS_TOGGLE(key))] for key, label in TOPICS.items()]
    if mine:
        text = t.tr("Course news: I tell you when a new course or cohort opens in the topics you tick. "
                    "You follow {count}. Press a topic to switch it on or off.", count=len(mine))
    else:
        text = t.tr("Course news: I tell you when a new course or cohort opens in the topics you tick. "
                    "Press a topic to switch it on or off.")
    return text, buttons


@on_turn
async def on_subscribe(t: Turn) -> None:
    text, buttons = await _menu(t)
    t.reply(text, buttons)


@on(NEWS_TOGGLE)
async def on_toggle(t: Turn, topic: str) -> None:
    now_on = await toggle(t.session, t.user.id, topic, t.now)
    label = t.tr(TOPICS[topic])
    t.answer(t.tr("Subscribed to {topic}.", topic=label) if now_on else t.tr("Unsubscribed from {topic}.", topic=label))
    text, buttons = await _menu(t)
    t.edit(text, buttons)


@on(NEWS_OFF)
async def on_opt_out(t: Turn, topic: str) -> None:
    removed = await unsubscribe(t.session, t.user.id, topic)
    label = t.tr(TOPICS[topic])
    if removed:
        t.answer(t.tr("You will get no more news about {topic}.", topic=label))
        t.reply(t.tr("You will get no more news about {topic}. /subscribe changes your topics.", topic=label))
    else:
        t.answer(t.tr("You were not subscribed to {topic}.", topic=label))
