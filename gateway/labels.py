"""The display label of every enum value a client shows (DESIGN §2 "Language"), in zh-CN and
en: `GET /wellbeing/v1/labels`, so an app never hard-codes 普惠 or 家庭式托育点.

The English label is the msgid; the Chinese one comes from the catalogue like every other text.
The values mirror the services' enums (a test holds them equal); the gateway imports no service.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from common.i18n import N_, t

# name → (what it labels, value → English label)
LABELS: dict[str, tuple[str, dict[str, str]]] = {
    "district": (
        "Hohhot's county-level divisions (旗县区); the value is the Chinese name",
        {
            "新城区": N_("Xincheng District"),
            "回民区": N_("Huimin District"),
            "玉泉区": N_("Yuquan District"),
            "赛罕区": N_("Saihan District"),
            "土默特左旗": N_("Tumed Left Banner"),
            "托克托县": N_("Togtoh County"),
            "和林格尔县": N_("Horinger County"),
            "清水河县": N_("Qingshuihe County"),
            "武川县": N_("Wuchuan County"),
            "经济技术开发区": N_("Economic and Technological Development Zone"),
        },
    ),
    "institution_kind": (
        "childcare institution `kind`",
        {
            "employer": N_("Employer-run nursery"),
            "kindergarten_class": N_("Kindergarten nursery class"),
            "community": N_("Community-run nursery"),
            "private": N_("Privately run nursery"),
            "home_based": N_("Home-based childcare point"),
        },
    ),
    "institution_flag": (
        "childcare institution yes/no fields shown as tags",
        {
            "inclusive": N_("Inclusive (affordable)"),
            "public_owned": N_("Publicly owned"),
            "demonstration": N_("Demonstration institution"),
        },
    ),
    "demonstration_level": (
        "childcare `demonstration.level`",
        {
            "regional": N_("Regional (autonomous region) demonstration"),
            "city": N_("City demonstration"),
        },
    ),
    "enrollment_status": (
        "childcare enrollment `status`",
        {
            "enrolled": N_("Enrolled"),
            "waitlisted": N_("Waitlisted"),
            "offered": N_("Place offered"),
            "declined": N_("Declined"),
            "withdrawn": N_("Withdrawn"),
            "expired": N_("Offer expired"),
            "ineligible": N_("Ineligible"),
        },
    ),
    "plan_category": (
        "childcare capacity plan `category`",
        {
            "public": N_("Public"),
            "community": N_("Community"),
            "private": N_("Private"),
        },
    ),
    "project_status": (
        "childcare plan project `status`",
        {
            "planned": N_("Planned"),
            "under_construction": N_("Under construction"),
            "opened": N_("Opened"),
        },
    ),
    "activity_category": (
        "eldercare activity `category`",
        {
            "singing": N_("Singing"),
            "reading": N_("Reading"),
            "painting": N_("Painting"),
            "musical_instruments": N_("Musical instruments"),
            "dance": N_("Dance"),
            "calligraphy": N_("Calligraphy"),
            "silk_flowers": N_("Silk flowers"),
            "health_lecture": N_("Health lecture"),
            "caregiver_course": N_("Course for family carers"),
        },
    ),
    "activity_status": (
        "eldercare activity `status`",
        {
            "scheduled": N_("Scheduled"),
            "cancelled": N_("Cancelled"),
        },
    ),
    "activity_registration_status": (
        "eldercare activity registration `status`",
        {
            "registered": N_("Registered"),
            "waitlisted": N_("Waitlisted"),
            "cancelled": N_("Cancelled"),
        },
    ),
    "care_type": (
        "eldercare care request `care_type`",
        {
            "meal": N_("Meal assistance"),
            "cleaning": N_("Cleaning"),
            "health_check": N_("Health check"),
            "companionship": N_("Companionship"),
            "psychological_support": N_("Psychological support"),
            "day_care": N_("Day care"),
            "bathing": N_("Bathing assistance"),
            "medical_escort": N_("Medical escort"),
            "rehabilitation": N_("Rehabilitation"),
        },
    ),
    "care_status": (
        "eldercare care request `status`",
        {
            "requested": N_("Requested"),
            "assigned": N_("Assigned"),
            "completed": N_("Completed"),
            "cancelled": N_("Cancelled"),
        },
    ),
    "provider_category": (
        "eldercare care provider `category`",
        {
            "public": N_("Public (free)"),
            "market": N_("Market (paid)"),
            "social_org": N_("Social organisation"),
            "volunteer": N_("Volunteer"),
        },
    ),
    "renovation_status": (
        "eldercare home renovation `status`",
        {
            "requested": N_("Requested"),
            "assessed": N_("Assessed"),
            "scheduled": N_("Works scheduled"),
            "completed": N_("Works completed"),
            "cancelled": N_("Cancelled"),
        },
    ),
    "renovation_item": (
        "eldercare home renovation `items`",
        {
            "handrails": N_("Handrails"),
            "ramp": N_("Ramp"),
            "bathroom": N_("Bathroom"),
            "lighting": N_("Lighting"),
            "anti_slip_flooring": N_("Anti-slip flooring"),
            "washbasin": N_("Washbasin"),
            "stairs": N_("Stairs"),
            "emergency_call": N_("Emergency call"),
        },
    ),
    "facility_kind": (
        "eldercare facility `kind`",
        {
            "home_care_centre": N_("Home and community care centre"),
            "health_station": N_("Health station"),
            "culture_sports_centre": N_("Culture and sports centre"),
            "canteen": N_("Elder canteen"),
            "day_care": N_("Day care centre"),
            "elder_university": N_("University for the elderly"),
            "pharmacy": N_("Pharmacy"),
            "grocery": N_("Grocery"),
            "service_platform": N_("Service platform"),
        },
    ),
    "elder_relation": (
        "eldercare: how the caller relates to an elder (`acting_as`, `relation`)",
        {
            "self": N_("The elder themself"),
            "family": N_("Family member"),
            "staff": N_("Staff"),
        },
    ),
    "visit_outcome": (
        "eldercare visit `outcome`",
        {
            "completed": N_("Visited"),
            "missed": N_("Missed"),
        },
    ),
    "missed_reason": (
        "eldercare visit `missed_reason`",
        {
            "not_home": N_("Not at home"),
            "refused": N_("Refused the visit"),
            "in_hospital": N_("In hospital"),
            "moved": N_("Moved away"),
            "other": N_("Other"),
        },
    ),
    "at_risk_reason": (
        "eldercare at-risk `reasons`",
        {
            "aged_living_alone": N_("Aged and living alone"),
            "lost_only_child": N_("Lost their only child"),
        },
    ),
    "posting_status": (
        "job posting `status`",
        {
            "open": N_("Open"),
            "closed": N_("Closed"),
        },
    ),
    "posting_category": (
        "job posting `category`",
        {
            "technology": N_("Technology"),
            "manufacturing": N_("Manufacturing"),
            "sales_marketing": N_("Sales and marketing"),
            "finance": N_("Finance"),
            "education": N_("Education"),
            "healthcare": N_("Healthcare"),
            "logistics": N_("Logistics"),
            "hospitality": N_("Hospitality"),
            "public_service": N_("Public service"),
            "agriculture_food": N_("Agriculture and food"),
            "energy": N_("Energy"),
            "construction": N_("Construction"),
            "administration": N_("Administration"),
            "other": N_("Other"),
        },
    ),
    "education_level": (
        "job posting `education`",
        {
            "none": N_("No requirement"),
            "high_school": N_("High school"),
            "vocational": N_("Vocational school"),
            "associate": N_("Associate degree"),
            "bachelor": N_("Bachelor's degree"),
            "master": N_("Master's degree"),
            "doctorate": N_("Doctorate"),
        },
    ),
    "fair_status": (
        "job fair `status`",
        {
            "upcoming": N_("Upcoming"),
            "ongoing": N_("Under way"),
            "past": N_("Over"),
        },
    ),
    "fair_registration_status": (
        "job fair registration `status`",
        {
            "registered": N_("Registered"),
            "cancelled": N_("Cancelled"),
        },
    ),
    "degree": (
        "graduate `degree`",
        {
            "associate": N_("Associate degree"),
            "bachelor": N_("Bachelor's degree"),
            "master": N_("Master's degree"),
            "doctorate": N_("Doctorate"),
        },
    ),
    "retention": (
        "graduate `retention`",
        {
            "stayed": N_("Stayed in Hohhot"),
            "returned": N_("Returned to Hohhot"),
            "came": N_("Came to Hohhot"),
        },
    ),
    "employment_status": (
        "graduate `employment_status`",
        {
            "employed": N_("Employed"),
            "self_employed": N_("Self-employed"),
            "starting_business": N_("Starting a business"),
            "seeking": N_("Seeking work"),
            "further_study": N_("Further study"),
        },
    ),
    "programme_kind": (
        "support programme `kind`",
        {
            "rent_subsidy": N_("Rent subsidy"),
            "home_purchase_subsidy": N_("Home purchase subsidy"),
            "startup_loan": N_("Start-up loan"),
            "startup_subsidy": N_("Start-up subsidy"),
            "tech_startup_grant": N_("Tech start-up grant"),
            "other": N_("Other"),
        },
    ),
    "award_kind": (
        "support programme `award_kind`",
        {
            "fixed": N_("Fixed amount"),
            "up_to": N_("Up to an amount"),
        },
    ),
    "application_status": (
        "support application `status`",
        {
            "pending": N_("Pending"),
            "approved": N_("Approved"),
            "rejected": N_("Rejected"),
            "disbursed": N_("Paid"),
            "withdrawn": N_("Withdrawn"),
        },
    ),
    "eligibility_fact": (
        "support programme rule `fact`",
        {
            "graduation_date": N_("Graduation date"),
            "degree": N_("Degree"),
            "retention": N_("Stayed, returned or came"),
            "employment_status": N_("Employment status"),
            "district": N_("District"),
            "works_in_hohhot": N_("Works in Hohhot"),
            "owns_home_in_hohhot": N_("Owns a home in Hohhot"),
            "first_home_in_hohhot": N_("First home in Hohhot"),
            "business_registered_in_hohhot": N_("Business registered in Hohhot"),
            "business_age_months": N_("Age of the business (months)"),
            "tech_company": N_("Technology company"),
            "age_years": N_("Age (years)"),
        },
    ),
    "rule_result": (
        "support programme rule `result`",
        {
            "met": N_("Met"),
            "not_met": N_("Not met"),
            "needs_info": N_("Needs information"),
        },
    ),
    "eligibility_outcome": (
        "pre-screen `outcome`",
        {
            "eligible": N_("Eligible"),
            "not_eligible": N_("Not eligible"),
            "needs_info": N_("Needs information"),
        },
    ),
    "station_amenity": (
        "Red Bee Station `amenities`",
        {
            "hot_water": N_("Hot water"),
            "phone_charging": N_("Phone charging"),
            "rest_area": N_("Rest area"),
            "restroom": N_("Restroom"),
            "microwave": N_("Microwave"),
            "first_aid": N_("First aid"),
            "fitness": N_("Fitness"),
            "recreation": N_("Recreation"),
            "wifi": N_("Wi-Fi"),
            "air_conditioning": N_("Air conditioning"),
            "ebike_charging": N_("E-bike charging"),
            "book_corner": N_("Book corner"),
        },
    ),
    "station_operator_kind": (
        "Red Bee Station `operator_kind`",
        {
            "community": N_("Community"),
            "street_office": N_("Street office"),
            "trade_union": N_("Trade union"),
            "enterprise": N_("Enterprise"),
        },
    ),
    "worker_type": (
        "Red Bee Station check-in `worker_type`",
        {
            "courier": N_("Courier"),
            "food_delivery": N_("Food delivery rider"),
            "truck_driver": N_("Truck driver"),
            "ride_hailing": N_("Ride-hailing driver"),
            "other": N_("Other"),
        },
    ),
}


class Label(BaseModel):
    value: str = Field(description="The value as the API sends and takes it.")
    zh_CN: str = Field(description="The display label in Chinese (zh-CN).")
    en: str = Field(description="The display label in English.")


class LabelGroup(BaseModel):
    name: str = Field(description="The enum, e.g. `institution_kind`.")
    describes: str = Field(description="Which field or fields take these values.")
    labels: list[Label]


class LabelSet(BaseModel):
    """Every group, in both languages whatever `Accept-Language` says (one cacheable answer)."""

    languages: list[str] = Field(description="The languages of every label: zh-CN, en.")
    groups: list[LabelGroup]


def label_set() -> LabelSet:
    return LabelSet(
        languages=["zh-CN", "en"],
        groups=[
            LabelGroup(
                name=name,
                describes=what,
                labels=[
                    Label(value=value, zh_CN=t(english, "zh-CN"), en=t(english, "en"))
                    for value, english in values.items()
                ],
            )
            for name, (what, values) in LABELS.items()
        ],
    )
