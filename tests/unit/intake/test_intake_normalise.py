"""Per-channel normalisation: one phone form, Simplified matching text, channel noise removed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.domain.normalise import canonical_phone, clean_for_channel, text_for_matching
from services.intake.domain.vocabulary import Channel


@pytest.mark.parametrize("written", [
    "13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "+86-13800138000",
    "008613800138000", "0086 138 0013 8000", "8613800138000", "(+86) 138 0013 8000", "１３８００１３８０００",
])
def test_every_notation_of_a_mobile_number_gives_one_form(written):
    assert canonical_phone(written) == "+8613800138000"


@pytest.mark.parametrize("written, canonical", [
    ("020-12345678", "+862012345678"),
    ("(020) 1234 5678", "+862012345678"),
    ("+86 20 1234 5678", "+862012345678"),
    ("0086-20-12345678", "+862012345678"),
    ("010-88886666", "+861088886666"),
    ("+86 10 8888 6666", "+861088886666"),      # Beijing's area code 10 is not a mobile prefix
    ("0755-8888-6666", "+8675588886666"),
    ("+852 9123 4567", "+85291234567"),         # other countries keep their own digits
])
def test_landlines_drop_the_trunk_zero_and_foreign_numbers_keep_their_country(written, canonical):
    assert canonical_phone(written) == canonical


@pytest.mark.parametrize("written", ["", None, "12345", "10010", "8888 6666", "1380013800", "phone me", "+1"])
def test_numbers_that_cannot_be_placed_give_nothing(written):
    assert canonical_phone(written) == ""


@given(st.sampled_from(["13800138000", "15912345678", "02012345678"]),
       st.lists(st.sampled_from([" ", "-", "  "]), min_size=0, max_size=3))
def test_canonical_form_is_a_fixed_point(number, noise):
    messy = "+86" + "".join(noise) + number[1:] if number.startswith("0") else "".join(noise) + number
    canonical = canonical_phone(messy)
    assert canonical.startswith("+86") and canonical_phone(canonical) == canonical


def test_traditional_chinese_is_matched_as_simplified():
    assert text_for_matching("寬帶斷網，信號很差") == "宽带断网,信号很差"


def test_emoji_whitespace_and_full_width_forms_are_noise_for_matching():
    assert text_for_matching("宽带 \t断网了😡😡👍🏻\n！ＡＢＣ１２") == "宽带断网了!abc12"


def test_social_channels_drop_links_and_the_handle_and_hashtag_marks():
    text = "@联通客服 #宽带# 信號差 https://t.cn/abc 👍"
    assert text_for_matching(text, Channel.WEIBO) == "联通客服宽带信号差"
    assert text_for_matching(text, Channel.HOTLINE) == "@联通客服#宽带#信号差https://t.cn/abc"


def test_sms_drops_the_sender_tag_and_email_drops_quotes_and_signature():
    assert clean_for_channel(Channel.SMS, "【联通】话费多扣了") == "话费多扣了"
    mail = "话费多扣了\n> 上一封邮件: 套餐\n-- \n张三 经理"
    assert text_for_matching(mail, Channel.EMAIL) == "话费多扣了"


def test_sender_tags_at_both_ends_and_unclosed_ones():
    assert clean_for_channel(Channel.SMS, "【联通】话费多扣了【10010】") == "话费多扣了"
    assert clean_for_channel(Channel.SMS, "【联通 话费多扣了") == "【联通 话费多扣了"
    assert clean_for_channel(Channel.SMS, "话费【多】扣了") == "话费【多】扣了"
    mail = "话费多扣了\n  > 上一封\n>> 更早\n\n-- \n张三"
    assert clean_for_channel(Channel.EMAIL, mail).split() == ["话费多扣了"]


def test_hostile_e_mail_and_sms_are_cleaned_in_linear_time():
    """A denial-of-service guard, not a speed figure: 20,000 blank lines took 3 s before."""
    import time

    for channel, hostile in ((Channel.EMAIL, "\n" * 20_000), (Channel.EMAIL, " \n" * 10_000),
                             (Channel.SMS, "【" * 20_000), (Channel.SMS, "【" * 10_000 + "】")):
        started = time.perf_counter()
        text_for_matching(hostile, channel)
        assert time.perf_counter() - started < 1.0, (channel, repr(hostile[:8]))
