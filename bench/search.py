"""The search curve (issue 16 §4): open postings searched the way people type — two Chinese
characters (`会计`) and full pinyin (`kuaiji`) — through the jobs service at 1,000 and 100,000
postings, on its own scratch database. The target: at 100,000 rows each search's median
latency (c=1, over HTTP) is within 1.5x of its median at 1,000 rows, and `EXPLAIN` shows an
index serving it (the name keys' `pk_posting_name_key` for the first two ranks, the document's
GIN index `ix_posting_search` where the rest are few), not a scan of the table.

Postings are generated in Python (deterministic), their search documents computed by the same
function the service writes with (`common.search.document`), and copied in. A title is drawn
from ~120 job roles written the ways boards write them (急招会计（五险一金）), an employer from
made-up company names, so a term matches a share of the rows like it would on a real board
(会计: about one posting in ten); the matches at each size are reported beside the times.

`python -m bench.search` runs it alone (BENCH_DATABASE_URL or an embedded server;
BENCH_SEARCH_SCALE="1000,100000", BENCH_SECONDS, BENCH_ROUNDS; results in bench/results/search.md);
`make bench` runs it too, into latest.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import platform
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import asyncpg

from bench.environment import (
    Keys,
    bench_database,
    production_env,
    start_uvicorn,
    stop,
    wait_until,
)
from bench.load import run_closed_loop
from common.provisioning import asyncpg_dsn, scratch_database
from common.ranked_listing import bind_terms
from common.search import document
from services.jobs.models import POSTING_SEARCHED
from services.jobs.postings.repository import PostingFilter, search_for

SIZES = [int(s) for s in os.environ.get("BENCH_SEARCH_SCALE", "1000,100000").split(",") if s]
SECONDS = float(os.environ.get("BENCH_SECONDS", "2.5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WARMUP_SECONDS = 0.5
CEILING = 1.5  # the largest size's p50 over the smallest's, each search
# the search document's GIN index and the name keys' primary key (common/name_keys.py)
INDEXES = ("ix_posting_search", "pk_posting_name_key")
RESULTS = Path(
    os.environ.get("BENCH_SEARCH_RESULTS", Path(__file__).parent / "results" / "search.md")
)
SEARCHES = {"2 characters": "会计", "pinyin": "kuaiji"}

TITLES = (
    "会计", "财务会计", "会计助理", "出纳", "成本会计", "税务专员", "审计助理", "财务经理",
    "销售代表", "销售经理", "电话销售", "区域销售主管", "大客户经理", "市场专员", "品牌策划",
    "新媒体运营", "电商运营", "内容编辑", "文案策划", "客服专员", "前台接待", "行政助理",
    "人事专员", "招聘专员", "培训讲师", "Java开发工程师", "前端开发工程师", "测试工程师",
    "运维工程师", "数据分析师", "产品经理", "UI设计师", "平面设计师", "室内设计师", "网络管理员",
    "机械工程师", "电气工程师", "土木工程师", "造价员", "施工员", "安全员", "质检员", "仓库管理员",
    "物流专员", "配送司机", "货车司机", "叉车工", "普工", "操作工", "焊工", "电工", "维修工",
    "厨师", "面点师", "服务员", "收银员", "店长", "理货员", "导购", "保安", "保洁", "绿化工",
    "护士", "药剂师", "康复治疗师", "护理员", "养老护理员", "育婴师", "保育员", "幼儿教师",
    "小学教师", "英语教师", "数学老师", "课程顾问", "学管师", "驾驶员", "乳品检验员", "奶牛饲养员",
    "畜牧技术员", "农业技术员", "光伏运维", "风电运维", "化工操作员", "实验员", "研发助理",
    "律师助理", "法务专员", "房产经纪人", "物业管理员", "酒店前厅", "导游", "摄影师", "主播",
    "直播运营", "外卖骑手", "快递员", "网约车司机", "社区工作者", "社工", "档案管理员", "统计员",
    "银行柜员", "保险顾问", "理财经理", "信贷专员", "催收专员", "证券经纪人", "翻译", "蒙汉翻译",
    "美容师", "美发师", "健身教练", "游泳教练", "会展专员", "会务接待", "采购专员", "供应链专员",
)  # fmt: skip
EMPLOYER_HEADS = ("呼和浩特", "内蒙古", "青城", "塞外", "草原", "北方", "蒙中", "大青山", "敕勒川")
EMPLOYER_CORES = "金银华盛泰和兴隆鑫源恒通达瑞祥宏伟博远嘉禾天宇新程启航正阳云帆明德"
EMPLOYER_TAILS = (
    "科技有限公司", "商贸有限公司", "物流有限公司", "乳业有限公司", "餐饮管理有限公司",
    "教育咨询有限公司", "建设工程有限公司", "物业服务有限公司", "医药连锁有限公司", "酒店",
    "会计师事务所", "人力资源服务有限公司", "能源有限公司", "文化传媒有限公司",
)  # fmt: skip
# what boards add to a title, so a role is written many ways (会计 is rarely just 会计)
TITLE_BEFORE = ("急招", "高薪诚聘", "【赛罕区】", "【回民区】", "【新城区】", "诚聘", "长期招聘")
TITLE_AFTER = (
    "（五险一金）", "（双休）", "（急招）", "实习生", "主管", "助理", "（应届可投）", "（包食宿）",
    "/兼职", "（周末双休）", "（可培训）", "（月休4天）", "（八小时工作制）", "（带薪年假）",
)  # fmt: skip
DISTRICTS = ("新城区", "回民区", "玉泉区", "赛罕区", "土默特左旗", "托克托县", "和林格尔县")
CATEGORIES = ("finance", "sales_marketing", "technology", "logistics", "healthcare", "education")
COLUMNS = (
    "employer", "title", "category", "district", "salary_min_fen", "salary_max_fen",
    "education", "graduate_friendly", "openings", "status", "posted_at", "expires_at", "search",
)  # fmt: skip


def say(message: str) -> None:
    print(f"bench search: {message}", file=sys.stderr, flush=True)


def postings(start: int, stop_at: int, now: dt.datetime) -> list[tuple[Any, ...]]:
    """Postings `start` … `stop_at - 1`, the same ones on every run."""
    rows = []
    for n in range(start, stop_at):
        rng = random.Random(n)
        title = rng.choice(TITLES)
        if rng.random() < 0.7:
            title += rng.choice(TITLE_AFTER)
        if rng.random() < 0.3:
            title = rng.choice(TITLE_BEFORE) + title
        employer = (
            rng.choice(EMPLOYER_HEADS)
            + "".join(rng.sample(EMPLOYER_CORES, 2))
            + rng.choice(EMPLOYER_TAILS)
        )
        low = 300_000 + 50_000 * rng.randrange(10)
        values = {"title": title, "employer": employer}
        rows.append(
            (
                employer,
                title,
                rng.choice(CATEGORIES),
                rng.choice(DISTRICTS),
                low,
                low + 200_000,
                "bachelor",
                rng.random() < 0.3,
                1 + rng.randrange(5),
                "open",
                now - dt.timedelta(days=rng.randrange(30)),
                now + dt.timedelta(days=30 + rng.randrange(60)),
                document(*(values[t] for t in POSTING_SEARCHED)),
            )
        )
    return rows


async def grow(url: str, total: int) -> int:
    """Adds generated postings up to `total`, then VACUUM ANALYZE; returns the count."""
    columns = ", ".join(COLUMNS)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        # asyncpg copies binary and has no binary tsvector: the documents land as text first
        # (in the service's own schema: its role may not create temporary tables)
        await conn.execute(
            f"CREATE UNLOGGED TABLE jobs.bench_incoming AS SELECT {columns} FROM jobs.posting "
            "WITH NO DATA; ALTER TABLE jobs.bench_incoming ALTER COLUMN search TYPE text"
        )
        have: int = await conn.fetchval("SELECT count(*) FROM jobs.posting")
        now = dt.datetime.now(dt.UTC)
        for start in range(have, total, 20_000):
            rows = postings(start, min(total, start + 20_000), now)
            await conn.copy_records_to_table(
                "bench_incoming", schema_name="jobs", columns=COLUMNS, records=rows
            )
            await conn.execute(
                f"INSERT INTO jobs.posting ({columns}) SELECT "
                f"{columns.replace('search', 'search::tsvector')} FROM jobs.bench_incoming; "
                "TRUNCATE jobs.bench_incoming"
            )
        await conn.execute("DROP TABLE jobs.bench_incoming")
        # the name keys grow with the postings (triggers); autovacuum would analyze both later
        await conn.execute("VACUUM ANALYZE jobs.posting, jobs.posting_name_key")
        count: int = await conn.fetchval("SELECT count(*) FROM jobs.posting")
        return count
    finally:
        await conn.close()


async def storage(url: str) -> tuple[int, int, int]:
    """What the name keys cost: their rows, their bytes and the postings' bytes (indexes in)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM jobs.posting_name_key), "
            "pg_total_relation_size('jobs.posting_name_key'), "
            "pg_total_relation_size('jobs.posting')"
        )
    finally:
        await conn.close()
    assert row is not None
    return row[0], row[1], row[2]


async def explain(url: str, term: str) -> tuple[str, int, bool]:
    """The plan of the service's ranked search for `term` (first page), how many open postings
    match, and whether the plan reads the search index."""
    now = dt.datetime.now(dt.UTC)
    filters = PostingFilter(now=now, q=term)
    statement = search_for(filters).statement_for(filters)
    params = {"now": now, **bind_terms(term), "limit": 21}  # a first page of 20
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, *statement.args(params)
        )
        matches: int = await conn.fetchval(
            "SELECT count(*) FROM jobs.posting WHERE status = 'open' AND expires_at > now() "
            "AND search @@ $1::tsquery",
            params["q"],
        )
    finally:
        await conn.close()
    plan = "\n".join(r[0] for r in rows)
    return plan, matches, any(i in plan for i in INDEXES) and "Seq Scan on posting" not in plan


@dataclass
class SearchCurve:
    # size -> search -> {"p50": ms, "p99": ms, "rps": n, "matches": n, "index": bool, "plan": ...}
    sizes: dict[int, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # size -> (name key rows, name keys' bytes with their index, postings' bytes with theirs)
    storage: dict[int, tuple[int, int, int]] = field(default_factory=dict)

    def ratios(self) -> dict[str, float]:
        if len(self.sizes) < 2:
            return {}
        first, last = min(self.sizes), max(self.sizes)
        return {
            name: self.sizes[last][name]["p50"] / self.sizes[first][name]["p50"]
            for name in SEARCHES
        }

    def met(self) -> bool:
        ratios = self.ratios()
        # at the largest size (a table of 1,000 rows is read whole, rightly)
        indexed = all(self.sizes[max(self.sizes)][n]["index"] for n in SEARCHES)
        return bool(ratios) and indexed and all(r <= CEILING for r in ratios.values())

    def render(self) -> str:
        sizes = sorted(self.sizes)
        out = ["## Search as people type (postings, issue 16 §4)", ""]
        out += [
            "| search | "
            + " | ".join(f"{s:,} rows: p50 · p99 ms (matches)" for s in sizes)
            + " | index used (by size) |",
            "|---|" + "---:|" * len(sizes) + "---|",
        ]
        for name, term in SEARCHES.items():
            cells = [
                f"{self.sizes[s][name]['p50']:.2f} · {self.sizes[s][name]['p99']:.2f} "
                f"({self.sizes[s][name]['matches']:,})"
                for s in sizes
            ]
            used = " · ".join("yes" if self.sizes[s][name]["index"] else "no" for s in sizes)
            out.append(f"| {name} `q={term}` | " + " | ".join(cells) + f" | {used} |")
        out.append("")
        for size, (keys, key_bytes, posting_bytes) in sorted(self.storage.items()):
            out.append(
                f"- at {size:,} postings: {keys:,} name keys, {key_bytes / 2**20:.0f} MiB with "
                f"their index (the postings with theirs: {posting_bytes / 2**20:.0f} MiB)"
            )
        out.append("")
        for name, ratio in self.ratios().items():
            verdict = "met" if ratio <= CEILING else "not met"
            out.append(
                f"{name}: p50 at {sizes[-1]:,} / at {sizes[0]:,} = **{ratio:.2f}** "
                f"(≤ {CEILING} — {verdict})"
            )
        for s in sizes:
            out += ["", f"<details><summary>EXPLAIN (ANALYZE, BUFFERS) at {s:,} rows</summary>", ""]
            for name in SEARCHES:
                out += [f"{name}:", "", "```", self.sizes[s][name]["plan"], "```", ""]
            out.append("</details>")
        return "\n".join(out) + "\n"


async def measure(base_url: str, term: str) -> tuple[float, float, float]:
    """Median (over rounds) p50, p99 and req/s of one search at c=1, over HTTP."""
    url = f"{base_url}/jobs/v1/postings?q={quote(term)}"
    async with aiohttp.ClientSession() as session:

        async def operation(rng: random.Random) -> bool:
            async with session.get(url) as r:
                await r.read()
                return r.status == 200

        await run_closed_loop(operation, concurrency=1, seconds=WARMUP_SECONDS, max_requests=10**7)
        runs = [
            await run_closed_loop(operation, concurrency=1, seconds=SECONDS, max_requests=10**7)
            for _ in range(ROUNDS)
        ]
    middle = len(runs) // 2
    return (
        sorted(r.percentile(0.5) for r in runs)[middle],
        sorted(r.percentile(0.99) for r in runs)[middle],
        sorted(r.rps for r in runs)[middle],
    )


def run_search_curve(admin_url: str, keys: Keys) -> SearchCurve:
    curve = SearchCurve()
    with scratch_database(admin_url) as urls:
        url = urls["jobs"]
        process = start_uvicorn(
            "search-jobs", "bench.ceilings:jobs_app", {**production_env(keys), "DATABASE_URL": url}
        )
        try:
            wait_until(process, "/readyz")
            for size in SIZES:
                rows = asyncio.run(grow(url, size))
                found: dict[str, dict[str, Any]] = {}
                for name, term in SEARCHES.items():
                    plan, matches, indexed = asyncio.run(explain(url, term))
                    p50, p99, rps = asyncio.run(measure(process.base_url, term))
                    found[name] = {
                        "p50": p50,
                        "p99": p99,
                        "rps": rps,
                        "matches": matches,
                        "index": indexed,
                        "plan": plan,
                    }
                    say(
                        f"{rows:,} postings, {name} q={term}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
                        f"{matches:,} matches, index used: {indexed}"
                    )
                curve.sizes[rows] = found
                curve.storage[rows] = asyncio.run(storage(url))
        finally:
            stop(process)
    for name, ratio in curve.ratios().items():
        say(f"{name}: p50 ratio {ratio:.2f} (ceiling {CEILING})")
    return curve


def main() -> int:
    """Alone: the curve, written to bench/results/search.md (BENCH_SEARCH_RESULTS) and printed;
    the exit status says whether the target was met."""
    keys = Keys.create(Path(tempfile.mkdtemp(prefix="bench-keys-")))
    load_before = os.getloadavg()[0]
    with bench_database() as db:
        curve = run_search_curve(db.admin_url, keys)
    head = [
        "# Search benchmark: latest standalone run",
        "",
        "Written by `python -m bench.search` (`make bench` runs the same curve into latest.md).",
        "",
        f"- when: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC}",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
        f"- host load (1-min average): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after",
        f"- rounds: {ROUNDS} × {SECONDS:g} s at c=1 (+{WARMUP_SECONDS:g} s warm-up), medians",
        "",
    ]
    text = "\n".join(head) + curve.render()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0 if curve.met() else 1


if __name__ == "__main__":
    raise SystemExit(main())
