"""Normalisation and phrase matching: how people write should not change what is recognised."""

from __future__ import annotations

import pytest

from grader.questionnaire.matching import Phrase, PhraseError
from grader.questionnaire.normalize import AliasTable, analyze, clean, stem, words

ALIASES = AliasTable({"bcewithlogitsloss": ["bce with logits", "binary cross entropy with logits"],
                      "bceloss": ["bce loss", "binary cross entropy"], "sigmoid": ["σ"],
                      "onehot": ["one hot"], "dataloader": ["data loader"]})


def found(phrase: Phrase, text: str) -> bool:
    """The phrase matches with the polarity it requires."""
    return any(phrase.accepts(m) for m in phrase.matches(analyze(text, ALIASES)))


@pytest.mark.parametrize("a, b", [
    ("probabilities", "probability"), ("Encoded", "encoding"), ("normalise", "normalized"),
    ("labelled", "labeled"), ("colour", "color"), ("classes", "class"), ("applies", "apply"),
    ("categories", "category"), ("one", "1"), ("ones", "1s"), ("uses", "using"), ("matrices", "matrix"),
])
def test_word_forms_spellings_and_numbers_normalise_alike(a, b):
    assert stem(a) == stem(b)


def test_different_words_stay_different():
    assert len({stem(w) for w in ["loss", "lost", "class", "call", "sum", "some", "use", "us"]}) == 8


def test_case_punctuation_backticks_and_identifiers():
    assert words("`get_x`, GET-X!") == ["get", "x", "get", "x"]
    assert words("BCEWithLogitsLoss") == words("bcewithlogitsloss")


def test_contractions_emphasis_and_comments():
    text = clean("Softmax **isn't** right <!-- ignore me --> and it can't work, we *don't* know")
    assert "ignore" not in text and "*" not in text
    assert words(text) == words("softmax is not right and it can not work we do not know")


def test_code_operators_become_words():
    assert words("`sigmoid(x) * (hi - lo) + lo`") == words("sigmoid x times hi minus lo plus lo")
    assert words("σ(x)·(hi−lo)+lo", ALIASES) == words("sigmoid x times hi minus lo plus lo")


def test_aliases_collapse_multiword_names():
    assert words("binary cross entropy with logits", ALIASES) == words("bcewithlogitsloss")
    assert words("binary cross-entropy", ALIASES) == words("bceloss")
    assert words("a data loader", ALIASES) == ["a", "dataloader"]


def test_sentences_and_abbreviations():
    doc = analyze("It sums to one, e.g. for 3 classes. Next sentence!\n\nThird one")
    assert len(doc.sentences) == 3


@pytest.mark.parametrize("text", [
    "The outputs sum to 1.", "they SUM UP TO ONE", "activations add up to 1", "it sums to exactly one",
])
def test_phrase_with_gaps_choices_and_forms(text):
    assert found(Phrase("sum|add-up to 1", aliases=ALIASES), text)


def test_phrase_gap_is_bounded():
    phrase = Phrase("sum to 1")
    assert not found(phrase, "the sum of the squares of the errors is compared to a 1")


def test_long_gap_stays_in_the_sentence_and_part():
    phrase = Phrase("bceloss ... probabilit*", aliases=ALIASES)
    assert found(phrase, "BCE loss, as you know from the chapter, expects probabilities")
    assert not found(phrase, "BCE loss is one thing. Probabilities are another.")
    assert not found(phrase, "BCELoss takes logits, while the other one takes probabilities")


def test_prefix_and_multiword_prefix():
    assert found(Phrase("valid* set"), "the validation set")
    assert found(Phrase("sigmoid*-output*"), "uses sigmoid outputs")
    assert not found(Phrase("valid* set"), "the test set")


def test_not_within_binds_a_property_to_its_subject():
    phrase = Phrase("bceloss ... probabilit*", not_within=["bcewithlogitsloss"], aliases=ALIASES)
    assert found(phrase, "BCELoss expects probabilities and BCEWithLogitsLoss takes logits")
    assert not found(phrase, "BCELoss takes logits and BCEWithLogitsLoss expects probabilities")


@pytest.mark.parametrize("text, negated", [
    ("Softmax makes the activations sum to 1.", False),
    ("Softmax is **not** appropriate because it makes the activations sum to 1.", False),
    ("Softmax isn't appropriate: its outputs sum to 1.", False),
    ("It is not only that they sum to 1.", False),
    ("Softmax doesn't make the activations sum to 1.", True),
    ("The outputs never sum to 1.", True),
    ("The outputs do not, in general, sum to 1.", False),
    ("It picks one class rather than making them sum to 1.", True),
])
def test_negation_reaches_only_its_own_clause(text, negated):
    phrase = Phrase("sum to 1")
    matches = phrase.matches(analyze(text))
    assert matches and matches[0].negated is negated


def test_negation_inside_a_gap_counts_only_in_the_same_clause():
    phrase = Phrase("dataloader ... batch*", aliases=ALIASES)
    assert found(phrase, "A DataLoader, which does not store data itself, yields batches")
    assert not found(phrase, "A DataLoader does not give batches")


def test_no_negates_only_what_follows_it_closely():
    phrase = Phrase("several bear*")
    assert not found(phrase, "it finds no several bears")
    assert found(phrase, "no problem: it finds several bears")
    assert not found(Phrase("valid* dataloader", aliases=ALIASES),
                     "it has no training dataloader or validation dataloader")


def test_polarity_negated_and_either():
    negated = Phrase("independ*", polarity="negated")
    assert found(negated, "the outputs are not independent")
    assert not found(negated, "the outputs are independent")
    either = Phrase("mutual* exclusiv*", polarity="either")
    assert found(either, "the labels are mutually exclusive")
    assert found(either, "the labels aren't mutually exclusive")


def test_negation_words_inside_the_phrase_do_not_negate_it():
    assert found(Phrase("without ... name"), "a function without a name")
    assert found(Phrase("no bear*"), "it can say there is no bear")
    assert not found(Phrase("no bear*"), "it cannot say there is no bear")


def test_regex_phrase_runs_on_the_cleaned_text_with_negation():
    phrase = Phrase(regex=r"\w\[\s*['\"]")
    assert found(phrase, "use `df['col']`")
    assert not found(phrase, "you do not write df['col']")
    assert not found(phrase, "use df.iloc[:, 2]")


@pytest.mark.parametrize("text, message", [
    ("", "empty phrase"), ("sum ...", "between words"), ("a ... ... b", "two '...'"),
    ("sum|", "empty choice"), ("bad*prefix*", "prefix"),
])
def test_bad_phrase_syntax(text, message):
    with pytest.raises(PhraseError, match=message):
        Phrase(text)


def test_bad_polarity_and_regex():
    with pytest.raises(PhraseError, match="polarity"):
        Phrase("x", polarity="maybe")
    with pytest.raises(PhraseError, match="regular expression"):
        Phrase(regex="(")


@pytest.mark.parametrize("text, negated", [
    ("we instead have to use a threshold", False),
    ("use argmax instead of a threshold", True),
    ("PointBlock is not needed here", True),
    ("iloc does not work on a DataFrame", True),
    ("the threshold is not the only thing that matters", False),
    ("a threshold that is not too high", False),
])
def test_instead_and_denials_after_the_match(text, negated):
    term = "pointblock" if "PointBlock" in text else "iloc" if "iloc" in text else "threshold*"
    matches = Phrase(term).matches(analyze(text))
    assert matches and matches[0].negated is negated


@pytest.mark.parametrize("text, negated", [
    ("The subset is still hard enough to be realistic.", False),
    ("Mixed examples are harder to learn.", False),
    ("With hard 0/1 targets the model becomes overconfident.", False),
    ("The subset is hardly realistic.", True),
    ("Mixed examples are barely harder to learn.", True),
])
def test_hard_is_not_a_negation_but_hardly_is(text, negated):
    """`hardly` stems to `hard`: the negation is recognised as written, not by its stem."""
    phrase = Phrase("realistic|harder|overconfident")
    matches = phrase.matches(analyze(text))
    assert matches and matches[0].negated is negated
