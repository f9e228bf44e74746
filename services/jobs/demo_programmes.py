"""The five support programmes of the demo data, as `POST /jobs/v1/programmes` bodies.

From the report (呼和浩特晚报, 2023-06-06): rent and home-purchase subsidies for graduates under
《呼和浩特市吸引人才政策10条支持人才就业创业配套实施办法（试行）》 (~700 people paid by early 2023);
for graduates within 5 years of graduation, startup guaranteed loans up to 500,000 CNY and a
one-time startup subsidy; free grants of 200,000 CNY for graduates founding tech companies.
Generated (not in the report): the rent, purchase and one-time subsidy amounts, every budget, and
the wording of the rules beyond "within 5 years of graduation".
"""

from __future__ import annotations

from typing import Any

YUAN = 100  # fen


def _rule(rule_id: str, fact: str, op: str, value: Any, zh: str, en: str) -> dict[str, Any]:
    return {"id": rule_id, "fact": fact, "op": op, "value": value, "reason": {"zh": zh, "en": en}}


WITHIN_5_YEARS = _rule(
    "graduated_within_5_years",
    "graduation_date",
    "within_years",
    5,
    "毕业5年以内（含毕业满5年当天）",
    "Graduated within the last 5 years (the fifth anniversary included)",
)
BACHELOR_OR_ABOVE = _rule(
    "bachelor_or_above",
    "degree",
    "in",
    ["bachelor", "master", "doctorate"],
    "全日制本科及以上学历",
    "A bachelor's degree or higher",
)
WORKS_HERE = _rule(
    "works_in_hohhot",
    "works_in_hohhot",
    "eq",
    True,
    "在呼和浩特就业并缴纳社会保险",
    "Employed in Hohhot, with social insurance paid here",
)
BUSINESS_HERE = _rule(
    "business_registered_in_hohhot",
    "business_registered_in_hohhot",
    "eq",
    True,
    "创业实体在呼和浩特登记注册",
    "Your business is registered in Hohhot",
)

RENT_SUBSIDY: dict[str, Any] = {
    "name": "高校毕业生租房补贴",
    "name_en": "Rent subsidy for graduates",
    "kind": "rent_subsidy",
    "description": "《呼和浩特市吸引人才政策10条支持人才就业创业配套实施办法（试行）》租房补贴。",
    "award_kind": "fixed",
    "amount_fen": 6_000 * YUAN,
    "budget_fen": 6_000_000 * YUAN,
    "rules": [
        WITHIN_5_YEARS,
        BACHELOR_OR_ABOVE,
        WORKS_HERE,
        _rule(
            "no_home_in_hohhot",
            "owns_home_in_hohhot",
            "eq",
            False,
            "在呼和浩特无自有住房",
            "You own no home in Hohhot",
        ),
    ],
}
PURCHASE_SUBSIDY: dict[str, Any] = {
    "name": "高校毕业生购房补贴",
    "name_en": "Home-purchase subsidy for graduates",
    "kind": "home_purchase_subsidy",
    "description": "《呼和浩特市吸引人才政策10条支持人才就业创业配套实施办法（试行）》购房补贴。",
    "award_kind": "fixed",
    "amount_fen": 30_000 * YUAN,
    "budget_fen": 9_000_000 * YUAN,
    "rules": [
        WITHIN_5_YEARS,
        BACHELOR_OR_ABOVE,
        WORKS_HERE,
        _rule(
            "first_home_in_hohhot",
            "first_home_in_hohhot",
            "eq",
            True,
            "在呼和浩特购买首套住房",
            "You bought your first home, in Hohhot",
        ),
    ],
}
STARTUP_LOAN: dict[str, Any] = {
    "name": "大学生创业担保贷款",
    "name_en": "Startup guaranteed loan for graduates",
    "kind": "startup_loan",
    "description": "毕业5年内的高校毕业生创业，可申请最高50万元创业担保贷款。",
    "award_kind": "up_to",
    "amount_fen": 500_000 * YUAN,
    "budget_fen": 100_000_000 * YUAN,
    "rules": [WITHIN_5_YEARS, BUSINESS_HERE],
}
STARTUP_SUBSIDY: dict[str, Any] = {
    "name": "一次性创业补贴",
    "name_en": "One-time startup subsidy",
    "kind": "startup_subsidy",
    "description": "毕业5年内的高校毕业生创业，给予一次性创业补贴。",
    "award_kind": "fixed",
    "amount_fen": 10_000 * YUAN,
    "budget_fen": 2_000_000 * YUAN,
    "rules": [
        WITHIN_5_YEARS,
        BUSINESS_HERE,
        _rule(
            "operating_6_months",
            "business_age_months",
            "gte",
            6,
            "创业实体正常经营6个月以上",
            "The business has operated for at least 6 months",
        ),
    ],
}
TECH_GRANT: dict[str, Any] = {
    "name": "大学生科技型企业创业资助",
    "name_en": "Grant for graduates founding technology companies",
    "kind": "tech_startup_grant",
    "description": "对高校毕业生创办的科技型企业给予20万元无偿资助。",
    "award_kind": "fixed",
    "amount_fen": 200_000 * YUAN,
    "budget_fen": 10_000_000 * YUAN,
    "rules": [
        WITHIN_5_YEARS,
        BUSINESS_HERE,
        _rule(
            "tech_company",
            "tech_company",
            "eq",
            True,
            "创办的企业为科技型企业",
            "Your business is a technology-based company",
        ),
    ],
}
PROGRAMMES: tuple[dict[str, Any], ...] = (
    RENT_SUBSIDY,
    PURCHASE_SUBSIDY,
    STARTUP_LOAN,
    STARTUP_SUBSIDY,
    TECH_GRANT,
)
