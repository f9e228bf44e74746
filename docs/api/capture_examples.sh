#!/usr/bin/env bash
# Replays the requests of the API guides (docs/api/*.md) against a running `wellbeing up` with
# its demo data, and writes every answer (body, then the status) to OUT/<step>.txt, so the
# guides' examples can be recaptured after a change: paste what changed, keep the `…` cuts.
#
#   wellbeing up --data-dir /tmp/docs-run --gateway-port 8000 &      # a fresh data dir
#   docs/api/capture_examples.sh http://127.0.0.1:8000 /tmp/docs-run /tmp/docs-examples
#
# Every id is found as the guides find it: by name (curl + jq), or from the answer that created
# the record. Two steps go to the database directly, as the guides say (an application's start
# date moved into the past; a seat's registrant found), with psql through the embedded
# PostgreSQL's socket in the data dir (or CHILDCARE_DATABASE_URL / ELDERCARE_DATABASE_URL, libpq
# URLs). Tokens come from `wellbeing token --data-dir` (the data dir's development key); the
# suite replays this script and checks every status (tests/docs/test_capture_examples.py).
# Not replayed: the outage examples of README.md (a second gateway in
# front of a stopped service) and the import CLI of jobs.md. Needs curl, jq, psql; run it once
# per data dir (the second run meets its own records: 409s where the guides show 201s).
# Set ACCEPT_LANGUAGE (e.g. en) to capture the answers in that language.
set -euo pipefail
BASE=${1:?base URL of the gateway}
DATA_DIR=${2:?data dir of wellbeing up}
OUT=${3:?output directory}
WELLBEING=${WELLBEING:-wellbeing}
mkdir -p "$OUT"

tok() { "$WELLBEING" token --data-dir "$DATA_DIR" --sub "$1" --role "$2"; }
EMBEDDED="postgresql://postgres@/wellbeing?host=$DATA_DIR/pgdata"
sql() {  # sql SERVICE STATEMENT
  local url
  case $1 in
    childcare) url=${CHILDCARE_DATABASE_URL:-$EMBEDDED} ;;
    eldercare) url=${ELDERCARE_DATABASE_URL:-$EMBEDDED} ;;
  esac
  psql "$url" -AtF' ' -c "$2"
}
# req STEP TOKEN METHOD PATH [BODY] [IDEMPOTENCY-KEY] [X-REQUEST-ID]
req() {
  local n=$1 t=$2 m=$3 path=$4 body=${5:-} key=${6:-} rid=${7:-}
  local args=(-s -X "$m" "$BASE$path" -w '\n%{http_code}\n')
  [ -n "$t" ] && args+=(-H "Authorization: Bearer $t")
  [ -n "$key" ] && args+=(-H "Idempotency-Key: $key")
  [ -n "$rid" ] && args+=(-H "X-Request-ID: $rid")
  [ -n "${ACCEPT_LANGUAGE:-}" ] && args+=(-H "Accept-Language: $ACCEPT_LANGUAGE")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' -d "$body")
  curl "${args[@]}" > "$OUT/$n.txt"
  echo "$n: $m $path -> $(tail -1 "$OUT/$n.txt")"
}
id_of() { head -1 "$OUT/$1.txt" | jq "${2:-.id}"; }

institution_named() {
  curl -s -G --data-urlencode "q=$1" "$BASE/childcare/v1/institutions" | jq '.items[0].id'
}
community_named() {  # community_named DISTRICT NAME
  curl -s -G --data-urlencode "district=$1" "$BASE/eldercare/v1/communities?limit=100" \
    | jq --arg n "$2" '.items[] | select(.name == $n) | .id'
}

# birth dates relative to today, so every child keeps the age its guide step needs (小树苗托育园
# takes 12–24 months, then 12–22: 果果 at 23 months is passed over, 萱萱 and 朵朵 are not)
months_ago() { date -d "-$1 months -10 days" +%F; }
XIAOYU_BORN=$(months_ago 17); XUAN_BORN=$(months_ago 20); DUO_BORN=$(months_ago 21)
GUO_BORN=$(months_ago 23); LE_BORN=$(months_ago 18)

# --- docs/api/README.md ---
DEMO=$(tok citizen-demo citizen)
req readme_01_me_anonymous "" GET /wellbeing/v1/me
req readme_02_limit_500 "" GET "/childcare/v1/institutions?limit=500"
req readme_03_page "" GET "/childcare/v1/institutions?district=%E8%B5%9B%E7%BD%95%E5%8C%BA&has_vacancy=true&age_months=17&limit=1"
req readme_04_child "$DEMO" POST /childcare/v1/children "{\"name\": \"小雨\", \"birth_date\": \"$XIAOYU_BORN\"}" child-xiaoyu-1
req readme_05_child_replayed "$DEMO" POST /childcare/v1/children "{\"name\": \"小雨\", \"birth_date\": \"$XIAOYU_BORN\"}" child-xiaoyu-1
req readme_06_key_reused "$DEMO" POST /childcare/v1/children "{\"name\": \"小雨\", \"birth_date\": \"$(date -d "$XIAOYU_BORN +1 day" +%F)\"}" child-xiaoyu-1
CHILD=$(id_of readme_04_child)
INSTITUTION=$(institution_named 赛罕嘟嘟职工托育园)
req readme_07_apply "$DEMO" POST /childcare/v1/enrollments "{\"child_id\": $CHILD, \"institution_id\": $INSTITUTION, \"start_date\": \"$(date -d '+3 days' +%F)\"}" apply-xiaoyu-1
curl -si "$BASE/childcare/v1/stats" | grep -iE '^(HTTP|cache-control|etag)' > "$OUT/readme_08_stats_headers.txt"
curl -si "$BASE/wellbeing/v1/districts/saihan" | grep -iE '^(HTTP|etag)' > "$OUT/readme_09_district_headers.txt"
echo "districts list: $(curl -s "$BASE/wellbeing/v1/districts" | wc -c) bytes, gzip $(curl -s -H 'Accept-Encoding: gzip' "$BASE/wellbeing/v1/districts" | wc -c)" > "$OUT/readme_10_sizes.txt"
req readme_11_me "$DEMO" GET /wellbeing/v1/me
req readme_12_saihan "" GET /wellbeing/v1/districts/saihan
req readme_13_atlantis "" GET /wellbeing/v1/districts/atlantis
req readme_14_labels "$DEMO" GET /wellbeing/v1/labels

# --- docs/api/childcare.md ---
LI=$(tok citizen-li citizen); WANG=$(tok citizen-wang citizen); ZHAO=$(tok citizen-zhao citizen)
SUN=$(tok citizen-sun citizen); CC_STAFF=$(tok staff-chen childcare_staff)
RAINBOW=$(institution_named 赛罕彩虹托育园)
req childcare_01_near "" GET "/childcare/v1/institutions?lat=40.7915&lon=111.7465&radius_m=3000&coord_sys=gcj02&age_months=20&has_vacancy=true&limit=2"
req childcare_02_child_li "$LI" POST /childcare/v1/children "{\"name\": \"萱萱\", \"birth_date\": \"$XUAN_BORN\", \"id_number\": \"150102202502140035\"}" li-child-1
XUAN_LI=$(id_of childcare_02_child_li)
req childcare_03_too_old "$LI" POST /childcare/v1/children '{"name": "大宝", "birth_date": "2023-06-01"}'
req childcare_04_duplicate "$LI" POST /childcare/v1/children "{\"name\": \"萱萱\", \"birth_date\": \"$XUAN_BORN\", \"id_number\": \"150102202502140035\"}"
req childcare_05_child_wang "$WANG" POST /childcare/v1/children "{\"name\": \"萱萱\", \"birth_date\": \"$XUAN_BORN\", \"id_number\": \"150102202502140035\"}" wang-child-1
XUAN_WANG=$(id_of childcare_05_child_wang)
req childcare_06_institution "$CC_STAFF" POST /childcare/v1/institutions '{"name": "小树苗托育园", "district": "赛罕区", "address": "赛罕区昭乌达路88号", "location": {"lat": 40.80, "lon": 111.70}, "kind": "private", "capacity": 1, "monthly_fee_fen": 150000, "min_age_months": 12, "max_age_months": 24, "opening_hours": "07:30-18:00", "phone": "0471-5550188"}' staff-xiaoshumiao-1
TREE=$(institution_named 小树苗托育园)
req childcare_07_child_duo "$ZHAO" POST /childcare/v1/children "{\"name\": \"朵朵\", \"birth_date\": \"$DUO_BORN\"}"
req childcare_08_child_guo "$SUN" POST /childcare/v1/children "{\"name\": \"果果\", \"birth_date\": \"$GUO_BORN\"}"
req childcare_09_child_le "$ZHAO" POST /childcare/v1/children "{\"name\": \"乐乐\", \"birth_date\": \"$LE_BORN\"}"
START=$(date -d '+3 days' +%F)
req childcare_10_apply_duo "$ZHAO" POST /childcare/v1/enrollments "{\"child_id\": $(id_of childcare_07_child_duo), \"institution_id\": $TREE, \"start_date\": \"$START\"}"
req childcare_11_apply_guo "$SUN" POST /childcare/v1/enrollments "{\"child_id\": $(id_of childcare_08_child_guo), \"institution_id\": $TREE, \"start_date\": \"$START\"}"
req childcare_12_apply_xuan "$LI" POST /childcare/v1/enrollments "{\"child_id\": $XUAN_LI, \"institution_id\": $TREE, \"start_date\": \"$START\"}" li-apply-xiaoshumiao
req childcare_13_apply_le "$ZHAO" POST /childcare/v1/enrollments "{\"child_id\": $(id_of childcare_09_child_le), \"institution_id\": $TREE, \"start_date\": \"$START\"}"
req childcare_14_child_baby "$LI" POST /childcare/v1/children "{\"name\": \"安安\", \"birth_date\": \"$(date -d '-2 months' +%F)\"}"
req childcare_15_too_young "$LI" POST /childcare/v1/enrollments "{\"child_id\": $(id_of childcare_14_child_baby), \"institution_id\": $TREE, \"start_date\": \"$START\"}"
req childcare_16_narrow "$CC_STAFF" PATCH "/childcare/v1/institutions/$TREE" '{"max_age_months": 22}'
# the guide's one database step: 萱萱's start date passes before a place comes up
sql childcare "update childcare.enrollment set start_date = current_date - 1 where id = $(id_of childcare_12_apply_xuan)" > /dev/null
req childcare_17_raise "$CC_STAFF" PATCH "/childcare/v1/institutions/$TREE" '{"capacity": 3}'
req childcare_18_guo "$SUN" GET "/childcare/v1/enrollments/$(id_of childcare_11_apply_guo)"
req childcare_19_xuan "$LI" GET "/childcare/v1/enrollments/$(id_of childcare_12_apply_xuan)"
req childcare_20_le "$ZHAO" GET "/childcare/v1/enrollments/$(id_of childcare_13_apply_le)"
# the offer is in 李's inbox (README.md, Notifications): the feed, then one notice read
# notices are delivered to the inbox by the outbox worker, a moment after the offer: wait for it
for _ in $(seq 60); do
  curl -s -H "Authorization: Bearer $LI" "$BASE/wellbeing/v1/notifications?limit=1" \
    | jq -e '.items[0].kind == "childcare.offer_made"' > /dev/null && break
  sleep 0.5
done
req childcare_20n_inbox "$LI" GET "/wellbeing/v1/notifications?limit=1"
NOTICE=$(head -1 "$OUT/childcare_20n_inbox.txt" | jq -r '.items[0].id')
req childcare_20r_read "$LI" POST "/wellbeing/v1/notifications/$NOTICE/read"
req childcare_21_accept "$LI" POST "/childcare/v1/enrollments/$(id_of childcare_12_apply_xuan)/accept"
req childcare_22_decline_enrolled "$LI" POST "/childcare/v1/enrollments/$(id_of childcare_12_apply_xuan)/decline"
req childcare_23_elsewhere "$LI" POST /childcare/v1/enrollments "{\"child_id\": $XUAN_LI, \"institution_id\": $RAINBOW, \"start_date\": \"$START\"}"
req childcare_24_wang_apply "$WANG" POST /childcare/v1/enrollments "{\"child_id\": $XUAN_WANG, \"institution_id\": $RAINBOW, \"start_date\": \"$START\"}"
req childcare_25_capacity_below "$CC_STAFF" PATCH "/childcare/v1/institutions/$TREE" '{"capacity": 1}'
req childcare_26_conflicting_coord_sys "$CC_STAFF" POST "/childcare/v1/institutions?coord_sys=gcj02" '{"name": "测试托育园", "district": "赛罕区", "address": "赛罕区某路1号", "location": {"lat": 40.80, "lon": 111.70}, "coord_sys": "wgs84", "kind": "private", "capacity": 10, "monthly_fee_fen": 150000, "min_age_months": 12, "max_age_months": 36, "opening_hours": "07:30-18:00", "phone": "0471-5550199"}'
req childcare_27_outside_district "$CC_STAFF" POST /childcare/v1/institutions '{"name": "测试托育园", "district": "赛罕区", "address": "赛罕区某路1号", "location": {"lat": 41.2, "lon": 111.7}, "kind": "private", "capacity": 10, "monthly_fee_fen": 150000, "min_age_months": 12, "max_age_months": 36, "opening_hours": "07:30-18:00", "phone": "0471-5550199"}'
req childcare_28_roster "$CC_STAFF" GET "/childcare/v1/institutions/$RAINBOW/roster"
req childcare_29_stats "" GET /childcare/v1/stats
req childcare_30_age_range "$CC_STAFF" PATCH "/childcare/v1/institutions/$TREE" '{"min_age_months": 30}'
# correct or erase a child (childcare.md): 萱萱 holds her place at 小树苗托育园 now
req childcare_31_correct "$LI" PATCH "/childcare/v1/children/$XUAN_LI" "{\"name\": \"李萱萱\", \"birth_date\": \"$(date -d "$XUAN_BORN +2 days" +%F)\"}"
req childcare_32_correct_not_yours "$WANG" PATCH "/childcare/v1/children/$XUAN_LI" '{"name": "王萱萱"}'
req childcare_33_identity_in_use "$LI" PATCH "/childcare/v1/children/$XUAN_LI" '{"id_number": "150102202502160044"}'
req childcare_34_erase_with_place "$LI" DELETE "/childcare/v1/children/$XUAN_LI"
req childcare_35_erase "$LI" DELETE "/childcare/v1/children/$(id_of childcare_14_child_baby)"
req childcare_36_erased "$LI" GET "/childcare/v1/children/$(id_of childcare_14_child_baby)"

# --- docs/api/jobs.md ---
GRAD=$(tok citizen-wang citizen); JOBS_STAFF=$(tok staff-liu jobs_staff); ZHOU=$(tok citizen-zhou citizen)
WU=$(tok citizen-wu citizen); ZHENG=$(tok citizen-zheng citizen)
req jobs_01_near "" GET "/jobs/v1/stations?lat=40.8436&lon=111.7623&radius_m=2000&coord_sys=gcj02&amenity=hot_water&open_now=true&limit=2"
STATION=$(id_of jobs_01_near '.items[0].id')
req jobs_02_station_bd09 "" GET "/jobs/v1/stations/$STATION?coord_sys=bd09"
req jobs_03_geojson "" GET "/jobs/v1/stations.geojson?district=%E6%B8%85%E6%B0%B4%E6%B2%B3%E5%8E%BF&coord_sys=gcj02"
req jobs_04_check_in "" POST "/jobs/v1/stations/$STATION/check-ins" '{"worker_type": "food_delivery"}' 6f1c2a9e-checkin-0001
req jobs_05_usage "" GET "/jobs/v1/stations/$STATION/usage"
HOURS=$(jq -nc '[range(1; 8) | {weekday: ., opens: "07:00", closes: "22:00"}]')
req jobs_06_station "$JOBS_STAFF" POST "/jobs/v1/stations?coord_sys=gcj02" "{\"name\": \"赛罕区人民路街道红蜂驿站（金地家园站）\", \"district\": \"赛罕区\", \"address\": \"赛罕区人民路金地家园南门\", \"location\": {\"lat\": 40.8035, \"lon\": 111.7418}, \"amenities\": [\"hot_water\", \"phone_charging\", \"microwave\", \"rest_area\"], \"operator\": \"人民路街道兴康社区\", \"operator_kind\": \"community\", \"phone\": \"0471-5550101\", \"opening_hours\": $HOURS, \"exceptions\": [{\"date\": \"2027-02-05\", \"closed\": true, \"note\": \"除夕闭站\"}]}" station-jindi-1
req jobs_07_station_patch "$JOBS_STAFF" PATCH "/jobs/v1/stations/$(id_of jobs_06_station)" '{"exceptions": [{"date": "2027-02-05", "closed": false, "opens": "10:00", "closes": "16:00", "note": "除夕缩短开放"}]}'
req jobs_08_wrong_district "$JOBS_STAFF" POST /jobs/v1/stations "{\"name\": \"测试驿站\", \"district\": \"武川县\", \"address\": \"某路1号\", \"location\": {\"lat\": 40.80, \"lon\": 111.73}, \"operator\": \"某社区\", \"operator_kind\": \"community\", \"opening_hours\": $HOURS}"
req jobs_09_postings "" GET "/jobs/v1/postings?q=%E5%B7%A5%E7%A8%8B%E5%B8%88&graduate_friendly=true&education=bachelor&limit=2"
req jobs_10_graduate "$GRAD" POST /jobs/v1/graduates '{"university": "内蒙古财经大学", "degree": "bachelor", "graduation_date": "2024-07-01", "retention": "stayed", "employment_status": "employed", "district": "赛罕区"}' wang-graduate-1
req jobs_11_retention "" GET /jobs/v1/retention
req jobs_12_programmes "" GET /jobs/v1/programmes
RENT=$(id_of jobs_12_programmes '.items[] | select(.name == "高校毕业生租房补贴") | .id')
TECH=$(id_of jobs_12_programmes '.items[] | select(.name == "大学生科技型企业创业资助") | .id')
req jobs_13_eligibility_empty "$ZHOU" POST "/jobs/v1/programmes/$RENT/eligibility" '{"facts": {}}'
req jobs_14_eligibility_met "$GRAD" POST "/jobs/v1/programmes/$RENT/eligibility" '{"facts": {"works_in_hohhot": true, "owns_home_in_hohhot": false}}'
req jobs_15_eligibility_not "$GRAD" POST "/jobs/v1/programmes/$TECH/eligibility" '{"facts": {"business_registered_in_hohhot": true, "tech_company": false}}'
req jobs_16_not_eligible "$GRAD" POST /jobs/v1/applications "{\"programme_id\": $TECH, \"facts\": {\"business_registered_in_hohhot\": true, \"tech_company\": false}}"
req jobs_17_facts_missing "$GRAD" POST /jobs/v1/applications "{\"programme_id\": $TECH, \"facts\": {\"tech_company\": true}}"
req jobs_18_apply "$GRAD" POST /jobs/v1/applications "{\"programme_id\": $RENT, \"facts\": {\"works_in_hohhot\": true, \"owns_home_in_hohhot\": false}}" wang-rent-1
APPLICATION=$(id_of jobs_18_apply)
req jobs_19_already_applied "$GRAD" POST /jobs/v1/applications "{\"programme_id\": $RENT, \"facts\": {\"works_in_hohhot\": true, \"owns_home_in_hohhot\": false}}"
req jobs_20_not_yours "$ZHOU" GET "/jobs/v1/applications/$APPLICATION"
req jobs_21_fairs "" GET "/jobs/v1/fairs?when=upcoming&limit=2"
FAIR=$(id_of jobs_21_fairs '.items[] | select(.name | endswith("高校毕业生专场招聘会")) | .id')
req jobs_22_register "$GRAD" POST "/jobs/v1/fairs/$FAIR/registrations" "" wang-fair-1
REGISTRATION=$(id_of jobs_22_register)
req jobs_23_register_again "$GRAD" POST "/jobs/v1/fairs/$FAIR/registrations"
FAIR_DAY=$(date -d '+36 days' +%F)  # a fair still to come, whenever this runs
req jobs_24_small_fair "$JOBS_STAFF" POST /jobs/v1/fairs "{\"name\": \"赛罕区小型招聘洽谈会\", \"starts_at\": \"${FAIR_DAY}T09:00:00+08:00\", \"ends_at\": \"${FAIR_DAY}T12:00:00+08:00\", \"venue\": \"人民路街道社区服务中心\", \"address\": \"赛罕区人民路1号\", \"district\": \"赛罕区\", \"capacity\": 1}"
req jobs_25_small_fair_taken "$ZHOU" POST "/jobs/v1/fairs/$(id_of jobs_24_small_fair)/registrations"
req jobs_26_fair_full "$GRAD" POST "/jobs/v1/fairs/$(id_of jobs_24_small_fair)/registrations"
req jobs_27_cancel "$GRAD" POST "/jobs/v1/fair-registrations/$REGISTRATION/cancel"
req jobs_28_cancel_again "$GRAD" POST "/jobs/v1/fair-registrations/$REGISTRATION/cancel"
req jobs_29_approve "$JOBS_STAFF" POST "/jobs/v1/applications/$APPLICATION/approve" '{"note": "社保缴纳记录已核验"}'
req jobs_30_disburse "$JOBS_STAFF" POST "/jobs/v1/applications/$APPLICATION/disburse"
req jobs_31_disburse_again "$JOBS_STAFF" POST "/jobs/v1/applications/$APPLICATION/disburse"
req jobs_32_approve_disbursed "$JOBS_STAFF" POST "/jobs/v1/applications/$APPLICATION/approve"
req jobs_33_summary "$GRAD" GET /jobs/v1/me/summary
req jobs_34_small_programme "$JOBS_STAFF" POST /jobs/v1/programmes '{"name": "社区就业见习补贴（试点）", "name_en": "Community internship subsidy (pilot)", "kind": "other", "award_kind": "fixed", "amount_fen": 100000, "budget_fen": 100000}'
SMALL=$(id_of jobs_34_small_programme)
req jobs_35_apply_first "$WU" POST /jobs/v1/applications "{\"programme_id\": $SMALL}"
req jobs_36_apply_second "$ZHENG" POST /jobs/v1/applications "{\"programme_id\": $SMALL}"
# withdraw an application not yet decided (jobs.md), and one already decided (paid)
req jobs_36w_apply_zhao "$ZHAO" POST /jobs/v1/applications "{\"programme_id\": $SMALL}"
req jobs_36x_withdraw "$ZHAO" POST "/jobs/v1/applications/$(id_of jobs_36w_apply_zhao)/withdraw"
req jobs_36y_withdraw_again "$ZHAO" POST "/jobs/v1/applications/$(id_of jobs_36w_apply_zhao)/withdraw"
req jobs_36z_withdraw_decided "$GRAD" POST "/jobs/v1/applications/$APPLICATION/withdraw"
req jobs_37_approve_first "$JOBS_STAFF" POST "/jobs/v1/applications/$(id_of jobs_35_apply_first)/approve"
req jobs_38_budget_exhausted "$JOBS_STAFF" POST "/jobs/v1/applications/$(id_of jobs_36_apply_second)/approve"
req jobs_39_reject "$JOBS_STAFF" POST "/jobs/v1/applications/$(id_of jobs_36_apply_second)/reject" '{"reason": "本期预算已用完，请关注下一期"}'
req jobs_40_stats "" GET /jobs/v1/stats
req jobs_41_posting "" GET "/jobs/v1/postings/$(id_of jobs_09_postings '.items[0].id')?coord_sys=gcj02"

# --- docs/api/eldercare.md ---
EL_STAFF=$(tok eldercare-staff-liu eldercare_staff); ADMIN=$(tok admin-1 admin)
OTHER=$(tok citizen-other citizen); ZHANG=$(tok citizen-zhang citizen)
SANSHUNDIAN=$(community_named 回民区 三顺店社区)
RUNYUAN=$(community_named 回民区 润园社区)
XINGKANG=$(community_named 赛罕区 兴康社区)
req eldercare_01_community "" GET "/eldercare/v1/communities?lat=40.81439&lon=111.65953&radius_m=1500&coord_sys=gcj02&limit=1"
req eldercare_02_circle "" GET "/eldercare/v1/circle?lat=40.81439&lon=111.65953&coord_sys=gcj02&minutes=15&per_kind=1"
req eldercare_03_gap "" GET "/eldercare/v1/communities/$RUNYUAN/circle?per_kind=1"
req eldercare_04_stats "" GET /eldercare/v1/stats
req eldercare_05_summary "$DEMO" GET /eldercare/v1/me/summary
MUM=$(id_of eldercare_05_summary '.elders[] | select(.name == "王秀英") | .id')
req eldercare_06_classes "" GET "/eldercare/v1/activities?community_id=$SANSHUNDIAN&category=calligraphy&limit=2"
FIRST=$(id_of eldercare_06_classes '.items[0].id'); SECOND=$(id_of eldercare_06_classes '.items[1].id')
req eldercare_07_register "$DEMO" POST "/eldercare/v1/activities/$FIRST/registrations" "{\"elder_id\": $MUM}" 7f3c-mum-calligraphy-1
req eldercare_08_replayed "$DEMO" POST "/eldercare/v1/activities/$FIRST/registrations" "{\"elder_id\": $MUM}" 7f3c-mum-calligraphy-1
req eldercare_09_waitlisted "$DEMO" POST "/eldercare/v1/activities/$SECOND/registrations" "{\"elder_id\": $MUM}" 7f3c-mum-calligraphy-2
read -r SEAT SEAT_SUB <<< "$(sql eldercare "select id, registrant_sub from eldercare.activity_registration where activity_id = $SECOND and status = 'registered' order by id limit 1")"
SEAT_TOKEN=$(tok "$SEAT_SUB" citizen)
req eldercare_10_cancel_seat "$SEAT_TOKEN" POST "/eldercare/v1/activity-registrations/$SEAT/cancel"
req eldercare_11_moved_up "$DEMO" GET "/eldercare/v1/activity-registrations?limit=1"
req eldercare_12_cancel_again "$SEAT_TOKEN" POST "/eldercare/v1/activity-registrations/$SEAT/cancel"
req eldercare_13_not_family "$OTHER" POST "/eldercare/v1/activities/$FIRST/registrations" "{\"elder_id\": $MUM}"
req eldercare_14_renovation "$DEMO" POST /eldercare/v1/renovations "{\"elder_id\": $MUM, \"items\": [\"handrails\", \"stairs\"], \"details\": \"楼道台阶加装扶手，母亲上下楼吃力\"}" 7f3c-handrail-1
RENOVATION=$(id_of eldercare_14_renovation)
req eldercare_15_citizen_assesses "$DEMO" PATCH "/eldercare/v1/renovations/$RENOVATION" '{"status": "assessed"}'
req eldercare_16_assess "$EL_STAFF" PATCH "/eldercare/v1/renovations/$RENOVATION" '{"status": "assessed", "estimated_cost_fen": 68000, "assessment_note": "三层楼道两侧加装不锈钢扶手"}'
req eldercare_17_schedule_no_date "$EL_STAFF" PATCH "/eldercare/v1/renovations/$RENOVATION" '{"status": "scheduled"}'
req eldercare_18_schedule "$EL_STAFF" PATCH "/eldercare/v1/renovations/$RENOVATION" "{\"status\": \"scheduled\", \"scheduled_for\": \"$(date -d '+10 days' +%F)\"}"
req eldercare_19_not_yours "$OTHER" GET "/eldercare/v1/renovations/$RENOVATION"
req eldercare_20_care "$DEMO" POST /eldercare/v1/care-requests "{\"elder_id\": $MUM, \"care_type\": \"cleaning\", \"provider_category\": \"market\", \"details\": \"每周一次家政保洁\"}" 7f3c-care-cleaning-1
CARE=$(id_of eldercare_20_care)
req eldercare_21_no_price "$EL_STAFF" POST "/eldercare/v1/care-requests/$CARE/assign" '{"provider_name": "福寿家政服务有限公司", "note": "每周三上午"}'
req eldercare_22_assign "$EL_STAFF" POST "/eldercare/v1/care-requests/$CARE/assign" '{"provider_name": "福寿家政服务有限公司", "price_fen": 6000, "note": "每周三上午"}'
req eldercare_23_complete "$EL_STAFF" POST "/eldercare/v1/care-requests/$CARE/complete"
req eldercare_24_cancel_completed "$DEMO" POST "/eldercare/v1/care-requests/$CARE/cancel"
req eldercare_25_at_risk "$EL_STAFF" GET "/eldercare/v1/at-risk?community_id=$SANSHUNDIAN&limit=3"
ELDER=$(id_of eldercare_25_at_risk '.items[0].elder_id')
req eldercare_26_visit_missed "$EL_STAFF" POST "/eldercare/v1/elders/$ELDER/visits" '{"visitor_name": "社工小刘", "outcome": "missed", "missed_reason": "not_home", "notes": "敲门无人应答，已电话联系其女儿"}' liu-visit-a round-1
req eldercare_27_visit_completed "$EL_STAFF" POST "/eldercare/v1/elders/$ELDER/visits" '{"visitor_name": "社工小刘", "outcome": "completed", "notes": "血压平稳，冰箱食物充足，约好下周陪同复诊"}' liu-visit-b round-2
req eldercare_28_overdue "$EL_STAFF" GET "/eldercare/v1/at-risk?community_id=$SANSHUNDIAN&overdue_only=true"
req eldercare_29_read_elder "$EL_STAFF" GET "/eldercare/v1/elders/$ELDER" "" "" round-3
req eldercare_30_audit "$ADMIN" GET "/eldercare/v1/audit?resource=elder/$ELDER&limit=4"
req eldercare_31_audit_staff "$EL_STAFF" GET "/eldercare/v1/audit?limit=1"
req eldercare_32_elder "$ZHANG" POST /eldercare/v1/elders "{\"name\": \"张德福\", \"birth_date\": \"1945-08-15\", \"id_number\": \"150102194508150034\", \"community_id\": $XINGKANG, \"lives_alone\": true, \"care_needs\": [\"meal\", \"health_check\"]}" zhang-father-1
req eldercare_33_summary "$DEMO" GET /eldercare/v1/me/summary
# address, phone and emergency contact (eldercare.md): whole on one profile, masked in lists
ZHANG_FATHER=$(id_of eldercare_32_elder)
req eldercare_34_contact "$ZHANG" PATCH "/eldercare/v1/elders/$ZHANG_FATHER" '{"address": "赛罕区人民路街道兴康社区3号楼2单元501", "phone": "0471-6812345", "emergency_contact": {"name": "张丽", "phone": "13912345678", "relation": "女儿"}}'
req eldercare_35_list_masked "$ZHANG" GET /eldercare/v1/elders
req eldercare_36_correct "$ZHANG" PATCH "/eldercare/v1/elders/$ZHANG_FATHER" '{"phone": "0471-6912345", "care_needs": ["meal", "bathing"]}'
req eldercare_37_correct_not_family "$OTHER" PATCH "/eldercare/v1/elders/$ZHANG_FATHER" '{"phone": "0471-0000000"}'
req eldercare_38_read_whole "$ZHANG" GET "/eldercare/v1/elders/$ZHANG_FATHER"
