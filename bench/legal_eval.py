"""Benchmark: how often legal search finds the statute article that answers a worker's question.

    .venv/bin/python bench/legal_eval.py [--file bench/data/legal_qa_public.jsonl] [--misses] [--ablate] [--repeat 3]

Reads the statutes from zhijia/legal/data/laws/ (no database), builds the index (its build time is printed, the
first jieba load included), then asks every question twice: with the full ranking (expansion, fields, priors)
and with the plain BM25 baseline (`expand=False`: BM25 over jieba words, nothing else). A question counts as
answered at k when any labelled article is among the first k results. Prints recall@1/5/10, MRR and query
latency side by side; `--misses` lists the questions the full ranking misses at 5 with their top 3; `--ablate`
turns each part of the ranking off in turn. The last line is one JSON object with the figures.
"""

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_FILE = ROOT / "bench" / "data" / "legal_qa_public.jsonl"


def read_questions(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def evaluate(index, questions: list[dict], *, expand: bool, repeat: int = 1) -> dict:
    """Recall@1/5/10, MRR and latency over the questions; `ranks` holds each question's first relevant rank."""
    ranks, latencies, tops = [], [], []
    for item in questions:
        wanted = {f"{a['law']}:{a['article']}" for a in item["articles"]}
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            hits = index.search(item["question"], 10, expand=expand)
            timings.append((time.perf_counter() - started) * 1000)
        latencies.append(min(timings) if repeat > 1 else timings[0])
        ids = [hit.id for hit in hits]
        ranks.append(next((rank for rank, hit in enumerate(ids, start=1) if hit in wanted), None))
        tops.append(ids[:3])
    count = len(questions)

    def recall(k):
        return sum(1 for rank in ranks if rank is not None and rank <= k) / count

    return {
        "recall_at_1": round(recall(1), 4),
        "recall_at_5": round(recall(5), 4),
        "recall_at_10": round(recall(10), 4),
        "mrr": round(sum(1 / rank for rank in ranks if rank) / count, 4),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "max_ms": round(max(latencies), 2),
        "ranks": ranks,
        "tops": tops,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--misses", action="store_true", help="list the questions missed at 5")
    parser.add_argument("--ablate", action="store_true", help="turn each part of the ranking off in turn")
    parser.add_argument("--repeat", type=int, default=1, help="time each query this many times and keep the fastest")
    args = parser.parse_args()

    from zhijia.legal.corpus import read_laws
    from zhijia.legal.search import Index, docs_from_laws, is_labor_question

    started = time.perf_counter()
    docs = docs_from_laws(read_laws())
    read_seconds = time.perf_counter() - started
    index = Index.build(docs)
    print(f"statutes: {len({d.law for d in docs})} laws, {len(docs)} articles, read in {read_seconds:.2f} s")
    print(f"index built in {index.build_seconds:.2f} s (jieba's first load included)")
    rebuilt = Index.build(docs)
    print(f"rebuilt in {rebuilt.build_seconds:.2f} s (jieba already loaded)")

    questions = read_questions(args.file)
    index.search("劳动合同", 1, expand=False)  # the baseline's field is built at its first use; not timed
    full = evaluate(index, questions, expand=True, repeat=args.repeat)
    plain = evaluate(index, questions, expand=False, repeat=args.repeat)
    in_scope = sum(1 for item in questions if is_labor_question(item["question"])) / len(questions)

    print(f"\n{len(questions)} questions from {args.file.name}")
    print(f"{'':14}{'expanded':>10}{'plain BM25':>12}")
    for key in ("recall_at_1", "recall_at_5", "recall_at_10", "mrr", "p50_ms", "p95_ms", "max_ms"):
        print(f"{key:14}{full[key]:>10}{plain[key]:>12}")
    ratio = full["recall_at_5"] / plain["recall_at_5"] if plain["recall_at_5"] else float("inf")
    print(f"recall@5 gain: {ratio:.2f}x; judged labor questions: {in_scope:.0%}")

    if args.ablate:
        # Each line turns one part off, the rest as shipped: how much recall that part is worth on this set.
        base = index.ranking
        variants = {
            "no expansion table": replace(base, expansion_scale=0.0),
            "no law prior": replace(base, law_prior={}, default_prior=1.0),
            "no citation prior": replace(base, citation_weight=0.0),
            "no heading field": replace(base, heading_weight=0.0),
            "no bigram field": replace(base, bigram_weight=0.0),
            "no compound parts": replace(base, subword_weight=0.0),
            "no story/question split": replace(base, narrative_weight=1.0),
        }
        print("\nablation (recall@5 / MRR; all parts on: "
              f"{full['recall_at_5']} / {full['mrr']}):")
        for name, ranking in variants.items():
            figures = evaluate(index.with_ranking(ranking), questions, expand=True)
            print(f"  {name:26}{figures['recall_at_5']:>8}{figures['mrr']:>8}")

    if args.misses:
        print("\nmissed at 5 (expanded):")
        for item, rank, top in zip(questions, full["ranks"], full["tops"]):
            if rank is None or rank > 5:
                wanted = ", ".join(f"{a['law']}{a['article']}" for a in item["articles"])
                shown = " | ".join(hit.replace(":", "") for hit in top)
                print(f"- [{item['id']}] {item['question'][:70]}\n    want {wanted} (rank {rank or '>10'})\n    got  {shown}")

    result = {key: value for key, value in full.items() if key not in ("ranks", "tops")}
    result.update({f"baseline_{key}": value for key, value in plain.items() if key not in ("ranks", "tops")})
    result.update({"questions": len(questions), "gain": round(ratio, 2), "labor_share": round(in_scope, 4),
                   "build_s": round(index.build_seconds, 3), "rebuild_s": round(rebuilt.build_seconds, 3)})
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
