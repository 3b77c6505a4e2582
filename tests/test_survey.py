"""Survey answers matched to creators across scripts and typos; ambiguity means no match."""

from creatorroi.attribution.survey import Person, match_answers

PEOPLE = [
    Person("giulia", ("Giulia Rossi", "giulia.skin")),
    Person("jisoo", ("김지수", "jisoo.glow", "Kim Jisoo")),
    Person("sara", ("سارا محمدی", "sara.mohammadi")),
    Person("mei", ("陳美玲", "meiling.beauty")),
    Person("yuna", ("이유나", "yuna.lee")),
]


def _matches(*answers: str) -> dict[str, str]:
    found = match_answers(list(enumerate(answers)), PEOPLE)  # type: ignore[arg-type]
    return {answers[int(i)]: who for i, who, _ in found}


def test_names_typos_and_other_scripts_match() -> None:
    assert _matches("Giulia Rossi su IG", "giulia rosi", "Sara Mohammadi", "mohamadi sara",
                    "陳美玲", "Kim Jisoo", "김지수", "jisoo") == {
        "Giulia Rossi su IG": "giulia", "giulia rosi": "giulia", "Sara Mohammadi": "sara",
        "mohamadi sara": "sara", "陳美玲": "mei", "Kim Jisoo": "jisoo", "김지수": "jisoo",
        "jisoo": "jisoo"}


def test_channels_and_generic_answers_match_nobody() -> None:
    assert _matches("instagram", "un'amica", "google", "tiktok", "beauty", "a friend",
                    "non ricordo", "no") == {}


def test_ambiguous_answers_are_left_unmatched() -> None:
    twins = [Person("a", ("Giulia Rossi",)), Person("b", ("Giulia Russo",))]
    assert match_answers([("1", "giulia ross")], twins) == []
