"""Demo pilots, learners and outcomes (filled in by the evaluation work)."""


def load_demo_data(stdout) -> list[tuple[str, str, str]]:
    return []
