#!/bin/sh
# The Dongying demo: validate every file of the data set, load it into a fresh SQLite
# database through bulk import, then take a new application through the workflow (in
# February and March 2015, with the Spring Festival holiday in between), look it up as the
# public does, print the supervision report and verify the tamper-evident trail.
# Run from anywhere with govservice installed (see README.md).
set -e
here=$(dirname "$0")
config="$here/govservice.yaml"
rm -f "$here/dongying-demo.db" "$here/dongying-demo.db-wal" "$here/dongying-demo.db-shm"
rm -f "$here/progress-qr.svg" "$here/progress-qr.png"
# the centre's key that signs checkpoints of the trail (trail.signing_key), made first
rm -f "$here/dongying-demo-key.pem" "$here/dongying-demo-checkpoints.jsonl"
govservice audit keygen --out "$here/dongying-demo-key.pem"

echo "== validating the data set"
govservice validate --kind item "$here/items.json"
govservice validate --kind case "$here/cases.jsonl"
govservice validate --kind station "$here/stations.yaml"
govservice validate --kind intermediary "$here/intermediaries.json"
govservice validate --kind blacklist-entry "$here/blacklist.jsonl"

echo "== loading it into $here/dongying-demo.db"
govservice --config "$config" db init --simulation   # the demo replays 2015: --now is taken
# the first signed checkpoint of the trail starts its file (more follow, every 1000 links
# and at least daily)
govservice --config "$config" audit checkpoint
govservice --config "$config" import item "$here/items.json"
govservice --config "$config" import case "$here/cases.jsonl"
govservice --config "$config" import station "$here/stations.yaml"
govservice --config "$config" import intermediary "$here/intermediaries.json"
govservice --config "$config" import blacklist-entry "$here/blacklist.jsonl"
# the records the imported cases bring with them join the trail
govservice --config "$config" audit attest
govservice --config "$config" db status

echo "== a new application, the day before the Spring Festival holiday (2015-02-16)"
case_id=370500-20150216-0101
gs() { govservice --config "$config" "$@"; }
at() { now="$1"; shift; govservice --config "$config" --now "$now" "$@"; }
# Who acts is authenticated by the integrator (here: the options, or the environment);
# the applicant is the enterprise of the application, identified by its credit code.
applicant="91370500MA3C2KX01K"
at 2015-02-16T09:30 case apply "$here/application.yaml" --actor 张伟 --actor-id "$applicant" --role applicant
echo "-- a reviewer may not accept it; the attempt is refused and recorded:"
at 2015-02-16T09:40 case accept "$case_id" --actor 马晓燕 --role reviewer || true
echo "-- nor may another enterprise withdraw it, calling itself the applicant:"
at 2015-02-16T09:42 case withdraw "$case_id" --actor 张伟 --actor-id 91370523MA3D5PQ27C --role applicant || true
at 2015-02-16T09:45 case request-supplement "$case_id" --actor 李娜 --role window_clerk
at 2015-02-17T10:00 case supplement "$case_id" --actor 张伟 --actor-id "$applicant" --role applicant \
    --material 环境保护行政主管部门出具的环境影响评价审批文件
echo "-- accepted on 2015-02-17, the last working day before the holiday (18-24 February):"
# the clerk as the centre's sign-on passes her on: name, staff number and role
env GOVSERVICE_ACTOR=李娜 GOVSERVICE_ACTOR_ID=DY-0101 GOVSERVICE_ROLE=window_clerk \
    govservice --config "$config" --now 2015-02-17T10:05 case accept "$case_id"
at 2015-02-25T08:45 case review "$case_id" --actor 马晓燕 --role reviewer
at 2015-02-26T15:00 case suspend "$case_id" --actor 马晓燕 --role reviewer \
    --procedure expert_review --reason 组织专家对项目申请报告进行评审 --expected-days 5
echo "-- the expert review took four working days (27, 28 February, 2, 3 March):"
at 2015-03-03T16:00 case resume "$case_id" --actor 马晓燕 --role reviewer

echo "== the supervision report on 2015-03-09"
at 2015-03-09T08:00 supervise --since 2015-03-01

at 2015-03-09T10:00 case decide "$case_id" --actor 王强 --role approver --outcome grant
at 2015-03-09T16:00 case complete "$case_id" --actor 李娜 --role window_clerk
at 2015-03-10T09:00 case evaluate "$case_id" --actor 张伟 --actor-id "$applicant" --role applicant --grade very_satisfied
gs case show "$case_id"

echo "== an application for a cancelled item (停办) is refused:"
sed -e 's/^id: .*/id: 370500-20150803-0102/' \
    -e 's/^item_code: .*/item_code: 11370500004275449M-QT-0009/' \
    -e 's/^department: .*/department: 东营市住房和城乡建设管理局/' \
    -e 's/^received_at: .*/received_at: "2015-08-03T09:00:00+08:00"/' \
    "$here/application.yaml" > "$here/cancelled-item.yaml"
at 2015-08-03T09:00 case apply "$here/cancelled-item.yaml" --actor 张伟 --actor-id "$applicant" --role applicant || true
rm -f "$here/cancelled-item.yaml"

echo "== an application may not set what the centre decides (its green channel, a fee waived):"
sed -e 's/^id: .*/id: 370500-20150803-0103/' \
    -e 's/^received_at: .*/received_at: "2015-08-03T09:10:00+08:00"/' \
    "$here/application.yaml" > "$here/self-favoured.yaml"
printf 'green_channel: true\nfees: [{name: 项目核准费, amount: "0.00", exemption: 自行免除}]\n' \
    >> "$here/self-favoured.yaml"
at 2015-08-03T09:10 case apply "$here/self-favoured.yaml" --actor 张伟 --actor-id "$applicant" \
    --role applicant || true
rm -f "$here/self-favoured.yaml"

echo "== the public progress lookup (进度查询), and its QR code"
code=$(gs case show "$case_id" --json | sed -n 's/.*"tracking_code": "\([A-Z0-9]*\)".*/\1/p')
gs progress "$code" --qr-svg "$here/progress-qr.svg" --qr-png "$here/progress-qr.png"
echo "QR codes written: $here/progress-qr.svg, $here/progress-qr.png"

echo "== the tamper-evident trail (步步留痕): its head signed now, printed for publication"
gs audit checkpoint
gs audit checkpoint --print
gs audit verify
