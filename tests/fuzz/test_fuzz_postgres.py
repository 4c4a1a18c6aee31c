"""A smaller run of the update properties on PostgreSQL (the production store): same checks, fewer examples."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.support import ME, OTHER, STAFF, examples
from tests.fuzz.test_fuzz_updates import (check_command, check_flow, check_forged, check_staff_forged, check_text,
                                          check_walk, commands, flows, steps, texts)

pytestmark = pytest.mark.postgres


@given(text=texts, as_english=st.booleans())
@examples(60)
def test_any_text_pg(fuzzbot_pg, text, as_english):
    check_text(fuzzbot_pg, text, as_english)


@given(**commands)
@examples(20)
def test_unknown_commands_pg(fuzzbot_pg, name, rest, suffix):
    check_command(fuzzbot_pg, name, rest, suffix)


@given(data=st.data())
@examples(80)
def test_forged_buttons_pg(fuzzbot_pg, data):
    check_forged(fuzzbot_pg, data)


@given(data=st.data())
@examples(30)
def test_staff_forged_buttons_pg(fuzzbot_pg, data):
    check_staff_forged(fuzzbot_pg, data)


@given(actor=st.sampled_from([ME, OTHER, STAFF]), script=steps)
@examples(15)
def test_random_button_walks_pg(fuzzbot_pg, actor, script):
    check_walk(fuzzbot_pg, actor, script)


@given(**flows)
@examples(25)
def test_conversations_pg(fuzzbot_pg, flow, answers):
    check_flow(fuzzbot_pg, flow, answers)
