"""How well the ticket classifier (zhijia.cases.classify) suggests a type and topic, and how fast.

Cross-validates over the labelled set (5 folds, stratified by type and topic), prints precision and recall
per topic and per type and the most frequent confusions, then times `suggest` on the labelled texts after a
warm-up. Needs no database. The last line is one JSON object with type_accuracy, topic_accuracy, n and
ms_per_suggest.

    .venv/bin/python bench/classify_eval.py [--folds 5] [--seed 7]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijia.settings.dev")
    import django

    django.setup()
    from zhijia.cases.classify import evaluate, read_labelled, suggest
    from zhijia.cases.models import TicketType, Topic

    started = time.perf_counter()
    suggest("公司拖欠工资")  # loads jieba and trains; timed apart from the calls below
    load_s = time.perf_counter() - started
    result = evaluate(folds=args.folds, seed=args.seed)

    print(f"{result['n']} labelled tickets, {result['folds']}-fold cross-validation (seed {args.seed})")
    print_table("问题类别", Topic, result["per_topic"])
    print_table("诉求类型", TicketType, result["per_type"])
    print("Most frequent confusions (true -> suggested):")
    for axis, choices in (("topic", Topic), ("type", TicketType)):
        labels = dict(choices.choices)
        mistakes = sorted(
            ((count, truth, guess) for truth, row in result["confusion"][axis].items() for guess, count in row.items()
             if guess != truth),
            reverse=True,
        )
        for count, truth, guess in mistakes[:5]:
            print(f"  {axis:5}  {labels[truth]} -> {labels[guess]}: {count}")
    print(
        f"type accuracy {result['type_accuracy']:.3f} (mean confidence {result['type_mean_confidence']:.3f}), "
        f"topic accuracy {result['topic_accuracy']:.3f} (mean confidence {result['topic_mean_confidence']:.3f})"
    )

    texts = [text for _, _, text in read_labelled()]
    rounds = 5
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            suggest(text)
    ms_per_suggest = (time.perf_counter() - started) * 1000 / (rounds * len(texts))
    longest = max(texts, key=len) * 20  # far past the cut-off: the slowest a call can get
    started = time.perf_counter()
    for _ in range(50):
        suggest(longest)
    ms_longest = (time.perf_counter() - started) * 1000 / 50
    print(f"first call (jieba dictionary + training) {load_s:.2f} s; suggest {ms_per_suggest:.2f} ms per call "
          f"over the labelled texts, {ms_longest:.2f} ms for a {len(longest)}-character text")
    print(json.dumps({
        "type_accuracy": round(result["type_accuracy"], 4),
        "topic_accuracy": round(result["topic_accuracy"], 4),
        "n": result["n"],
        "ms_per_suggest": round(ms_per_suggest, 3),
    }))


def print_table(title: str, choices, per_label: dict) -> None:
    labels = dict(choices.choices)
    print(f"\n{title}{' ' * 22}{'n':>5}{'precision':>11}{'recall':>8}")
    for value, figures in per_label.items():
        # Chinese characters take two columns in a terminal; pad by display width, not by len().
        name = f"{labels[value]} ({value})"
        pad = 30 - sum(2 if ord(char) > 0x2E80 else 1 for char in name)
        print(f"{name}{' ' * max(pad, 1)}{figures['n']:>5}{figures['precision']:>11.2f}{figures['recall']:>8.2f}")
    print()


if __name__ == "__main__":
    main()
