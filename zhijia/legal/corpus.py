"""Reading statute Markdown (one law per file, as in data/laws/) into article records.

The format: `# Title`, free lines of promulgation history, `<!-- INFO END -->`, then headings (`#`/`##`/`###`/
`####` for 编/章/节) and articles that start a line with `第X条`. A paragraph belongs to the article above it.
Documents without articles (a few notices) become one record per `##` section, numbered in order.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import cn2an

LAWS_DIR = Path(__file__).resolve().parent / "data" / "laws"
_ARTICLE = re.compile(r"^(第([零〇一二三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?)[\s　]*(.*)$")
_HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*$")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_PREFIX = "中华人民共和国"


def article_number(label: str) -> int:
    """第四十七条 -> 47 (第十条之一 -> 10)."""
    match = _ARTICLE.match(label)
    if not match:
        raise ValueError(f"not an article label: {label!r}")
    return int(cn2an.cn2an(match.group(2), "smart"))


def article_label(number: int) -> str:
    """47 -> 第四十七条."""
    return f"第{cn2an.an2cn(number)}条"


def short_title(title: str) -> str:
    """The title people cite: 中华人民共和国劳动合同法 -> 劳动合同法."""
    return title[len(_PREFIX):] if title.startswith(_PREFIX) and len(title) > len(_PREFIX) + 1 else title


@dataclass
class ParsedArticle:
    label: str  # 第四十七条, or a section heading for documents without articles
    number: int
    text: str
    part: str = ""  # 编
    chapter: str = ""  # 章
    section: str = ""  # 节
    order: int = 0


@dataclass
class ParsedLaw:
    title: str
    short_title: str
    preamble: str
    effective_date: str | None  # ISO date of the latest date in the promulgation lines
    articles: list[ParsedArticle] = field(default_factory=list)


def _normalize(line: str) -> str:
    return line.replace("\u3000", " ").strip()


def parse_law(text: str) -> ParsedLaw:
    lines = text.splitlines()
    title = ""
    preamble: list[str] = []
    body_start = 0
    for index, line in enumerate(lines):
        if line.startswith("# ") and not title:
            title = line[2:].strip()
            continue
        if "INFO END" in line:
            body_start = index + 1
            break
        if title and line.strip():
            preamble.append(_normalize(line))
    if not title:
        raise ValueError("no '# title' line")
    dates = [f"{y}-{int(m):02d}-{int(d):02d}" for y, m, d in _DATE.findall(" ".join(preamble))]
    law = ParsedLaw(title=title, short_title=short_title(title), preamble="\n".join(preamble),
                    effective_date=max(dates) if dates else None)
    part = chapter = section = ""
    current: ParsedArticle | None = None
    loose: list[tuple[str, list[str]]] = []  # (heading, paragraphs) for documents without articles
    for raw in lines[body_start:]:
        line = _normalize(raw)
        if not line:
            continue
        heading = _HEADING.match(raw.strip())
        if heading:
            level, name = len(heading.group(1)), re.sub(r"\s+", " ", heading.group(2))
            current = None
            if level == 1:
                if name != title:
                    part, chapter, section = name, "", ""
            elif level == 2:
                if "编" in name.split(" ")[0] and name.startswith("第"):
                    part, chapter, section = name, "", ""
                else:
                    chapter, section = name, ""
            else:
                section = name
            loose.append((name, []))
            continue
        match = _ARTICLE.match(line)
        if match:
            number = int(cn2an.cn2an(match.group(2), "smart"))
            current = ParsedArticle(label=match.group(1), number=number, text=match.group(4).strip(), part=part,
                                    chapter=chapter, section=section, order=len(law.articles) + 1)
            law.articles.append(current)
        elif current is not None:
            current.text += "\n" + line
        elif loose:
            loose[-1][1].append(line)
        else:
            loose.append(("", [line]))
    if not law.articles:  # a notice: its sections are what people cite
        for heading, paragraphs in loose:
            if paragraphs:
                law.articles.append(ParsedArticle(label=heading or "正文", number=len(law.articles) + 1,
                                                  text="\n".join(paragraphs), order=len(law.articles) + 1))
    return law


def read_laws(directory: Path = LAWS_DIR) -> list[ParsedLaw]:
    return [parse_law(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.md")) if path.name != "SOURCES.md"]
