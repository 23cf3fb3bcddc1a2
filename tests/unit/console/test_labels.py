"""The console speaks the domain's words in both languages."""

from __future__ import annotations


def test_every_category_intake_files_has_a_label_in_both_languages():
    from services.console import i18n
    from services.intake.domain.vocabulary import CATEGORIES

    for lang in i18n.LANGUAGES:
        t = i18n.translator(lang)
        assert all(t(category) != category for category in CATEGORIES), lang
