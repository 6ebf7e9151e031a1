"""`supervise report --program` and `--province`: one page for a program and one for a
province, with the sections a department reads (issue 15, item 8)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from supervise.cli import cli
from supervise.core.policy import load_policy
from supervise.demo import ningxia
from supervise.model import Person
from supervise.registry import Registry
from supervise.report import fonts
from supervise.report.department import program_report, province_report, province_scope

EXAMPLES = Path(__file__).parent.parent / "examples"
ANHUI = EXAMPLES / "exchange" / "anhui-sanqu-2024"
TARGETS = EXAMPLES / "ningxia-targets.toml"


class Tables(HTMLParser):
    """Every table of a page as rows of cell texts, under the last h2/h3 before it."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[list[str]]]] = {}
        self.heading, self.text, self.rows = "", "", None
        self.depth = 0
        self.in_heading = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("h2", "h3"):
            self.in_heading, self.text = True, ""
        elif tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.rows = []
        elif tag == "tr" and self.depth == 1 and self.rows is not None:
            self.rows.append([])
        elif tag in ("td", "th") and self.depth == 1:
            self.text = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3"):
            self.in_heading, self.heading = False, self.text.strip()
        elif tag in ("td", "th") and self.depth == 1 and self.rows is not None:
            self.rows[-1].append(self.text.strip())
        elif tag == "table":
            self.depth -= 1
            if self.depth == 0 and self.rows is not None:
                self.tables.setdefault(self.heading, []).append(self.rows)
                self.rows = None

    def handle_data(self, data: str) -> None:
        self.text += data


def tables(html: str) -> dict[str, list[list[list[str]]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    """The Ningxia example with Anhui's plan imported beside it, in a file."""
    import supervise

    path = tmp_path_factory.mktemp("department") / "both.db"
    registry = supervise.open(path)
    ningxia.build(registry)
    registry.import_file(ANHUI)
    return registry


def test_a_province_report_reproduces_the_published_table(province: Registry) -> None:
    html = province_report(province, "64", ningxia.REPORTED_ON, charts=False, lang="zh")
    assert "<title>宁夏回族自治区社会工作督导人才培养报告</title>" in html
    for section in ("各批次进度", "各小组进度", "培养成效", "人才梯次结构", "实习安排"):
        assert f"<h2>{section}</h2>" in html, section
    assert "<h2>入库资格</h2>" not in html  # no policy given
    found = tables(html)
    (cohorts,) = found["各批次进度"]
    assert cohorts == [
        ["培养项目", "批次", "起止日期", "在册", "退出", "完成", "完成率", "逾期", "落后"],
        ["nx-sup-2022", "第一批 (nx-2022-b1)", "2022-06-15 – 2022-12-31", "29", "0", "29", "100%", "0", "0"],
        ["nx-sup-2024", "第二批 (nx-2024-b2)", "2024-07-01 – 2024-11-30", "31", "0", "31", "100%", "0", "0"],
    ]  # fmt: skip
    # Ningxia's article: of 60 trained, 18 in the expert pool, 5 drafting local standards,
    # 3 through the senior review, 1 through the senior exam, 1 promoted.
    (outcomes,) = found["培养成效"]
    assert outcomes == [
        ["项目", "nx-sup-2022", "nx-sup-2024", "合计", "占完成培养"],
        ["在册学员", "29", "31", "60", ""],
        ["完成培养", "29", "31", "60", ""],
        ["入选人才专家库", "13", "5", "18", "30%"],
        ["参与地方标准起草", "4", "1", "5", "8%"],
        ["通过高级社会工作师评审", "3", "0", "3", "5%"],
        ["通过高级社会工作师考试", "1", "0", "1", "1%"],
        ["晋升", "1", "0", "1", "1%"],
        ["获得结业证书", "0", "0", "0", "0%"],
        ["其他", "0", "0", "0", "0%"],
    ]
    (tiers,) = found["人才梯次结构"]
    assert tiers[0] == ["分组", "无证书", "助理社会工作师", "社会工作师", "高级社会工作师", "合计"]
    assert tiers[-1][0] == "64 · 合计"
    assert "ah-sanqu-2024" not in html  # Anhui's plan is another province's


def test_the_province_is_a_code_or_a_name(province: Registry) -> None:
    assert province_scope(province, "640104").province == "64"
    assert [p.id for p in province_scope(province, "宁夏").programs] == [
        "nx-sup-2022",
        "nx-sup-2024",
    ]
    assert (
        province_scope(province, "安徽省", "en").title == "province 34: supervisor training report"
    )


def test_a_program_report_shows_progress_by_team_with_the_stations(province: Registry) -> None:
    html = program_report(province, "ah-sanqu-2024", "2024-12-06", charts=False, lang="zh")
    assert "<h1>安徽省2024年“三区”社会工作专业人才支持计划项目报告</h1>" in html
    assert "主办单位：中共安徽省委社会工作部" in html
    (teams,) = tables(html)["2024年度受援县选派 (ah-sanqu-2024-1)"]
    assert teams[0] == [
        "小组", "在册", "退出", "完成", "逾期", "落后",
        "岗前培训", "驻点服务", "陪伴督导", "案例研究", "实习站点",
    ]  # fmt: skip
    assert teams[1] == [
        "谯城区服务队", "4", "0", "0", "0", "0", "4/4", "0/4", "0/4", "0/4",
        "亳州市谯城区古井镇社会工作服务站",
    ]  # fmt: skip
    assert len(teams) == 1 + 5
    (placed,) = tables(html)["实习安排"]
    assert placed[1] == ["岳西县", "340828", "安庆市岳西县天堂镇社会工作服务站", "3", "3"]


def test_a_program_report_with_a_policy_and_targets_in_english(province: Registry) -> None:
    html = program_report(
        province,
        "nx-sup-2024",
        ningxia.MID_PROGRAM,
        policy="nx-expert-pool",
        targets=TARGETS,
        charts=False,
        lang="en",
    )
    assert '<html lang="en">' in html
    found = tables(html)
    counts, people = found["Who qualifies"]
    assert counts == [
        ["cohort", "assessed", "eligible", "one rule short"],
        ["第二批 (nx-2024-b2)", "31", "0", "1"],
    ]
    assert len(people) == 1 + 31
    assert people[0] == ["person", "name", "result", "missing"]
    assert people[1][2] == "✗ not eligible"
    assert people[1][3].startswith("one of: nx-sup-2022 not completed or nx-sup-2024 not completed")
    (statuses,) = found["Targets"]
    assert [row[0] for row in statuses[1:]] == [
        "2027年底全区培养本土社会工作督导人才不少于100名 (nx-supervisors-2027)",
        "2027年底全区高级社会工作师不少于10名 (nx-senior-2027)",
        "2027年底人才专家库入库不少于30名 (nx-expert-pool-2027)",
    ]
    assert "no cohort has teams" in html


def test_the_program_report_on_the_command_line_with_charts(
    province: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    if fonts.find_cjk_font() is None:
        monkeypatch.setattr(fonts, "chart_lang", lambda lang: ("en", None))
    out = tmp_path / "program.html"
    result = CliRunner().invoke(
        cli,
        [
            "report", "--db", str(province.path), "--program", "nx-sup-2024",
            "--as-of", "2024-12-06", "--targets", str(TARGETS), "-o", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    # one status chart per cohort, the tier pyramid, a burn-up per target
    assert html.count('src="data:image/png;base64,') == 1 + 1 + 3
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html


def test_no_national_id_or_phone_in_a_province_report(province: Registry) -> None:
    html = province_report(
        province, "34", "2024-12-06", policy="nx-expert-pool", charts=False, lang="zh"
    )
    people = province.find(Person)
    secrets = [p.national_id for p in people if p.national_id]
    secrets += [p.phone for p in people if p.phone]
    assert len(secrets) > 10
    assert [s for s in secrets if s in html] == []
    assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}", html)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_report_needs_exactly_one_scope(province: Registry, tmp_path: Path) -> None:
    db = str(province.path)
    out = str(tmp_path / "r.html")
    for scopes in ((), ("--cohort", "nx-2024-b2", "--program", "nx-sup-2024")):
        code, _, err = run("report", "--db", db, *scopes, "-o", out)
        assert code == 2
        assert "give exactly one of --cohort, --program, --province" in err
    code, _, err = run(
        "report", "--db", db, "--cohort", "nx-2024-b2", "--targets", str(TARGETS), "-o", out
    )
    assert code == 2
    assert "--targets goes with --program or --province" in err


def test_an_unknown_province_or_program_lists_what_there_is(
    province: Registry, tmp_path: Path
) -> None:
    out = str(tmp_path / "r.html")
    code, _, err = run("report", "--db", str(province.path), "--province", "99", "-o", out)
    assert code == 1
    assert err == "Error: 找不到省份 '99'；现有的省份：34 (安徽省), 64 (宁夏回族自治区)\n"
    code, _, err = run(
        "report", "--db", str(province.path), "--province", "北京", "--lang", "en", "-o", out
    )
    assert err == (
        "Error: Province '北京' not found; there are: 34 (安徽省), 64 (宁夏回族自治区)\n"
    )
    code, _, err = run("report", "--db", str(province.path), "--program", "nope", "-o", out)
    assert (code, err) == (1, "Error: 找不到培养项目 'nope'\n")
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(("as_of", "version"), [("2025-06-30", "2024.1"), ("2025-07-01", "2025.1")])
def test_a_report_assesses_under_the_version_of_the_policy_in_force(
    province: Registry, as_of: str, version: str
) -> None:
    html = program_report(
        province, "nx-sup-2024", as_of, policy=load_policy("nx-expert-pool"), charts=False
    )
    assert f"入库条件：宁夏社会工作人才专家库入库条件（示例） (nx-expert-pool {version})" in html
