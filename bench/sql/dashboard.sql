-- The service manager's dashboard (reporting.dashboard.service_dashboard) for a period,
-- every child and every team: each measure's numerator and denominator (MEASURES), the
-- monthly trends (TRENDS: t1 by due date, t2 and participation by record date, t5 by
-- the start of care), reviews held by PN code, IRO caseloads on the caseload date
-- (under 18, and 18 or over), concerns by team and category with the reviews each team
-- held, the disputes figures, practice acknowledgements by team, case audits by grade
-- and contacts between reviews by kind. One row: a JSON object.
-- Parameters: start, end, today (dates); days (jsonb: each day of the period to the
-- engine's deadlines for a review held or a period of care started that day, and the
-- latest date of birth of a child aged 11 that day: rd_due, record_due, plan_due,
-- allocation_due, born_by_11); first_due (jsonb: start of care to the first review's
-- due date, from 60 days before the period); adult_born_by (date: the latest date of
-- birth of someone 18 on the caseload date); holidays (date[]: England's bank
-- holidays, the engine's calendar). Deadlines "within a day" end at midnight in
-- Europe/London (R9).
WITH days AS (
    SELECT key::date AS day,
           (value ->> 'rd_due')::date AS rd_due,
           (value ->> 'record_due')::date AS record_due,
           (value ->> 'plan_due')::date AS plan_due,
           (value ->> 'allocation_due')::date AS allocation_due,
           (value ->> 'born_by_11')::date AS born_by_11
    FROM jsonb_each(%(days)s::jsonb)
),
months AS (
    SELECT generate_series(date_trunc('month', %(start)s::timestamp), %(end)s::timestamp,
                           interval '1 month')::date AS month
),
-- Reviews held in the period (D-RECORD).
held AS (
    SELECT r.id, r.child_id, r.record_date, r.status, r.imported, r.participation,
           r.chaired_by, r.rd_submitted_on, r.adjournment_count, r.completed_date,
           r.reconvene_by, r.out_of_timescale_authorised_by_id,
           coalesce(r.superseded_due_date, r.due_date) AS due_counted
    FROM reviews_review r
    WHERE r.record_date BETWEEN %(start)s AND %(end)s AND r.status <> 'cancelled'
),
distributed AS (
    -- A copy is sent when its email left the outbox or its letter was posted.
    SELECT dn.review_id,
           bool_or(e.sent_at < (d.record_due + 1)::timestamp AT TIME ZONE 'Europe/London'
                   OR dn.posted_on <= d.record_due) AS in_time,
           bool_or(e.status = 'sent' OR dn.posted_on IS NOT NULL) AS really_sent,
           bool_or(i.role = 'child' AND (e.status = 'sent' OR dn.posted_on IS NOT NULL))
               AS sent_to_child
    FROM reviews_distribution dn
    LEFT JOIN core_outboundemail e ON e.id = dn.email_id
    JOIN held h ON h.id = dn.review_id
    JOIN days d ON d.day = h.record_date
    JOIN reviews_invitee i ON i.id = dn.invitee_id
    GROUP BY dn.review_id
),
-- Closed when its 'closed' event was written, whatever the stored status says.
plan_closed AS (
    SELECT e.review_id,
           bool_or(e.note = ''
                   AND e.at < (d.plan_due + 1)::timestamp AT TIME ZONE 'Europe/London')
               AS in_time
    FROM reviews_reviewevent e
    JOIN held h ON h.id = e.review_id
    JOIN days d ON d.day = h.record_date
    WHERE e.action = 'closed'
    GROUP BY e.review_id
),
held_flags AS (
    SELECT date_trunc('month', h.record_date::timestamp)::date AS month,
           NOT h.imported AS here,
           h.record_date <= h.due_counted AS on_time,
           h.rd_submitted_on, d.rd_due,
           coalesce(dn.really_sent, false) AS sent, coalesce(dn.in_time, false) AS sent_in_time,
           d.record_due,
           pc.review_id IS NOT NULL AS closed, d.plan_due,
           coalesce(pc.in_time, false) AS plan_in_time,
           h.adjournment_count >= 1 AS adjourned,
           h.participation,
           h.chaired_by IN ('child', 'co_chaired') AS chaired,
           c.date_of_birth <= d.born_by_11 AS aged_11
    FROM held h
    JOIN days d ON d.day = h.record_date
    JOIN children_child c ON c.id = h.child_id
    LEFT JOIN distributed dn ON dn.review_id = h.id
    LEFT JOIN plan_closed pc ON pc.review_id = h.id
),
held_counts AS (  -- month NULL: the whole period
    SELECT month,
           count(*) AS t2_d,
           count(*) FILTER (WHERE on_time) AS t2_n,
           count(*) FILTER (WHERE here AND (rd_submitted_on IS NOT NULL OR rd_due < %(today)s))
               AS t6_rd_d,
           count(*) FILTER (WHERE here AND rd_submitted_on <= rd_due) AS t6_rd_n,
           count(*) FILTER (WHERE here AND (sent OR record_due < %(today)s)) AS t6_record_d,
           count(*) FILTER (WHERE here AND sent_in_time) AS t6_record_n,
           count(*) FILTER (WHERE here AND (closed OR plan_due < %(today)s)) AS t6_plan_d,
           count(*) FILTER (WHERE here AND plan_in_time) AS t6_plan_n,
           count(*) FILTER (WHERE here) AS here_d,
           count(*) FILTER (WHERE here AND adjourned) AS t8_adjourned_n,
           count(*) FILTER (WHERE participation IN ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7'))
               AS pn_d,
           count(*) FILTER (WHERE participation IN ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6'))
               AS participation_n,
           count(*) FILTER (WHERE participation IN ('PN1', 'PN2', 'PN3', 'PN5', 'PN6'))
               AS views_conveyed_n,
           count(*) FILTER (WHERE participation IN ('PN1', 'PN2', 'PN3', 'PN4'))
               AS attendance_n,
           count(*) FILTER (WHERE participation = 'PN7') AS no_participation_n,
           count(*) FILTER (WHERE here AND aged_11) AS chaired_d,
           count(*) FILTER (WHERE here AND aged_11 AND chaired) AS chaired_n,
           count(*) FILTER (WHERE here AND chaired) AS chaired_all_n
    FROM held_flags
    GROUP BY ROLLUP (month)
),
-- The child's asks (reviews.asks): reviews held here with Review Choices captured.
asked AS (
    SELECT r.id, r.record_date, r.venue, r.format, r.chaired_by,
           ch.wants_to_meet_iro_before, ch.wants_to_speak_alone, ch.who_not_to_invite,
           ch.venue AS venue_asked, ch.format AS format_asked, ch.wants_to_chair,
           ch.topics_to_discuss, ch.achievements, ch.wants_copy_of_record,
           ch.wants_explanation_after
    FROM reviews_reviewchoices ch
    JOIN reviews_review r ON r.id = ch.review_id
    WHERE r.record_date BETWEEN %(start)s AND %(end)s AND r.status <> 'cancelled'
      AND NOT r.imported AND ch.not_applicable_reason = ''
),
asked_contacts AS (
    SELECT c.review_id,
           bool_or(c.on <= a.record_date) AS before,
           bool_or(c.alone = 'yes') AS alone,
           bool_or(c.on > a.record_date) AS after
    FROM reviews_childcontact c
    JOIN asked a ON a.id = c.review_id
    WHERE c.removed_at IS NULL  -- a contact entered by mistake and removed (C1)
    GROUP BY c.review_id
),
unwanted_invited AS (
    SELECT DISTINCT inv.review_id
    FROM reviews_invitation inv
    JOIN reviews_invitee p ON p.id = inv.invitee_id
    JOIN asked a ON a.id = inv.review_id
    WHERE p.child_does_not_want
),
going_well AS (
    SELECT DISTINCT rr.review_id
    FROM reviews_recordsection s
    JOIN reviews_reviewrecord rr ON rr.id = s.record_id
    JOIN asked a ON a.id = rr.review_id
    WHERE s.key = 'going_well' AND s.text <> ''
),
ask_flags AS (
    SELECT coalesce(a.wants_to_meet_iro_before, false) AS k0,
           coalesce(ac.before, false) AS m0,
           coalesce(a.wants_to_speak_alone, false) AS k1,
           coalesce(ac.alone, false) AS m1,
           btrim(a.who_not_to_invite) <> '' AS k2,
           ui.review_id IS NULL AS m2,
           lower(btrim(a.venue_asked)) <> '' AND a.venue <> '' AS k3,
           strpos(lower(btrim(a.venue)), lower(btrim(a.venue_asked))) > 0
               OR strpos(lower(btrim(a.venue_asked)), lower(btrim(a.venue))) > 0 AS m3,
           a.format_asked IN ('face_to_face', 'online') AND a.format <> '' AS k4,
           (a.format_asked = 'face_to_face' AND a.format IN ('face_to_face', 'hybrid'))
               OR (a.format_asked = 'online' AND a.format IN ('online', 'hybrid')) AS m4,
           a.wants_to_chair IN ('chair', 'co_chair') AND a.chaired_by <> '' AS k5,
           a.chaired_by IN ('child', 'co_chaired') AS m5,
           btrim(a.topics_to_discuss) <> '' OR btrim(a.achievements) <> '' AS k6,
           gw.review_id IS NOT NULL AS m6,
           -- known once the child's copy is really sent (an email that left, a letter
           -- posted) or the record's deadline has passed
           coalesce(a.wants_copy_of_record, false)
               AND (coalesce(dn.sent_to_child, false) OR d.record_due < %(today)s) AS k7,
           coalesce(dn.sent_to_child, false) AS m7,
           coalesce(a.wants_explanation_after, false) AS k8,
           coalesce(ac.after, false) AS m8
    FROM asked a
    JOIN days d ON d.day = a.record_date
    LEFT JOIN asked_contacts ac ON ac.review_id = a.id
    LEFT JOIN unwanted_invited ui ON ui.review_id = a.id
    LEFT JOIN going_well gw ON gw.review_id = a.id
    LEFT JOIN distributed dn ON dn.review_id = a.id
),
asks AS (
    SELECT k0::int + k1::int + k2::int + k3::int + k4::int + k5::int + k6::int + k7::int
               + k8::int AS known,
           (k0 AND m0)::int + (k1 AND m1)::int + (k2 AND m2)::int + (k3 AND m3)::int
               + (k4 AND m4)::int + (k5 AND m5)::int + (k6 AND m6)::int + (k7 AND m7)::int
               + (k8 AND m8)::int AS met
    FROM ask_flags
),
-- Reviews due in the period that can be judged (KPI-T1's population).
due AS (
    SELECT r.id, r.child_id, r.period_id, r.kind, r.superseded_due_date, r.record_date,
           r.imported, r.out_of_timescale_authorised_by_id IS NOT NULL AS authorised,
           coalesce(r.superseded_due_date, r.due_date) AS due_counted,
           coalesce(r.record_date, r.superseded_due_date, r.due_date) AS on_date,
           r.record_date IS NOT NULL AND r.status <> 'cancelled' AS held,
           r.record_date IS NOT NULL AND r.status <> 'cancelled'
               AND r.record_date <= coalesce(r.superseded_due_date, r.due_date) AS on_time
    FROM reviews_review r
    WHERE coalesce(r.superseded_due_date, r.due_date) BETWEEN %(start)s AND %(end)s
      AND NOT (r.status = 'cancelled' AND r.cancel_reason IN (
          'ceased_looked_after', 'superseded_by_additional_review', 'duplicate',
          'transferred_to_other_LA'))
      AND ((r.record_date IS NOT NULL AND r.status <> 'cancelled')
           OR coalesce(r.superseded_due_date, r.due_date) < %(today)s)
),
due_counts AS (
    SELECT date_trunc('month', due_counted::timestamp)::date AS month,
           count(*) AS d, count(*) FILTER (WHERE on_time) AS n
    FROM due
    GROUP BY ROLLUP (1)
),
t9 AS (  -- the late reviews of KPI-T1's population, held here or never held
    SELECT count(*) AS d, count(*) FILTER (WHERE authorised) AS n
    FROM due
    WHERE NOT imported AND NOT on_time
),
-- Reviews adjourned here whose reconvene-by date is in the period (KPI-T8b): held, or
-- not held with the date passed (late).
t8_reconvened AS (
    SELECT count(*) AS d,
           count(*) FILTER (WHERE record_date IS NOT NULL AND completed_date <= reconvene_by)
               AS n
    FROM reviews_review
    WHERE NOT imported AND adjournment_count >= 1 AND status <> 'cancelled'
      AND reconvene_by BETWEEN %(start)s AND %(end)s
      AND (record_date IS NOT NULL OR reconvene_by < %(today)s)
),
t3 AS (  -- children looked after at the end with a review due, all of them on time
    SELECT count(*) AS d, count(*) FILTER (WHERE k.all_on_time) AS n
    FROM (
        SELECT d.child_id, bool_and(d.on_time) AS all_on_time
        FROM due d
        JOIN (
            SELECT DISTINCT child_id FROM children_periodofcare
            WHERE started_on <= %(end)s AND (ended_on IS NULL OR ended_on > %(end)s)
        ) l ON l.child_id = d.child_id
        GROUP BY d.child_id
    ) k
),
t4 AS (
    SELECT count(*) AS d,
           count(*) FILTER (
               WHERE d.held
                 AND d.record_date <= (%(first_due)s::jsonb ->> p.started_on::text)::date
           ) AS n
    FROM due d
    JOIN children_periodofcare p ON p.id = d.period_id
    WHERE d.kind = 'initial'
       OR (d.kind = 'additional' AND d.superseded_due_date IS NOT NULL
           AND NOT EXISTS (
               SELECT 1 FROM reviews_review e
               WHERE e.period_id = d.period_id AND e.id <> d.id
                 AND e.record_date < d.on_date AND e.status <> 'cancelled'
           ))
),
-- Periods of care (not short breaks) starting in the period: KPI-T5 and KPI-T6d.
new_periods AS (
    SELECT p.id, p.started_on, p.started_at_time, p.iro_service_notified_at,
           dy.allocation_due, min(a.started_on) AS allocated_on
    FROM children_periodofcare p
    JOIN days dy ON dy.day = p.started_on
    LEFT JOIN iro_iroallocation a
           ON a.child_id = p.child_id AND (a.ended_on IS NULL OR a.ended_on >= p.started_on)
    WHERE p.started_on BETWEEN %(start)s AND %(end)s AND NOT p.short_breaks
    GROUP BY p.id, dy.allocation_due
),
t5_counts AS (
    SELECT date_trunc('month', started_on::timestamp)::date AS month,
           count(*) AS d, count(*) FILTER (WHERE allocated_on <= allocation_due) AS n
    FROM new_periods
    WHERE allocated_on IS NOT NULL OR allocation_due < %(today)s
    GROUP BY ROLLUP (1)
),
t6_notify AS (
    SELECT count(*) AS d,
           count(*) FILTER (
               WHERE (started_at_time IS NULL AND iro_service_notified_at
                      < (started_on + 2)::timestamp AT TIME ZONE 'Europe/London')
                  OR (started_at_time IS NOT NULL AND iro_service_notified_at
                      <= (started_on + 1 + date_trunc('minute', started_at_time::interval))
                         AT TIME ZONE 'Europe/London')
           ) AS n
    FROM new_periods
    WHERE iro_service_notified_at IS NOT NULL OR started_on < %(today)s::date - 1
),
t7 AS (
    SELECT count(*) AS d, count(*) FILTER (WHERE done_on <= target_date) AS n
    FROM reviews_progressreview
    WHERE target_date BETWEEN %(start)s AND %(end)s
      AND (done_on IS NOT NULL OR target_date < %(today)s)
),
feedback AS (
    SELECT count(*) AS d, count(*) FILTER (WHERE fr.satisfied) AS n,
           count(*) FILTER (WHERE fr.respondent_role = 'child') AS child_d,
           count(*) FILTER (WHERE fr.respondent_role = 'child' AND fr.satisfied) AS child_n
    FROM reviews_feedbackresponse fr
    JOIN reviews_review r ON r.id = fr.review_id
    WHERE r.record_date BETWEEN %(start)s AND %(end)s AND fr.satisfied IS NOT NULL
),
-- IRO visits and contacts between reviews (not tied to a review) in the period.
between_contacts AS (
    SELECT child_id, how FROM reviews_childcontact
    WHERE review_id IS NULL AND removed_at IS NULL AND "on" BETWEEN %(start)s AND %(end)s
),
contacts AS (
    SELECT count(*) AS d, count(b.child_id) AS n
    FROM (SELECT DISTINCT child_id FROM held) k
    LEFT JOIN (SELECT DISTINCT child_id FROM between_contacts) b USING (child_id)
),
iros AS (  -- users in the IRO group
    SELECT u.id, u.first_name, u.last_name, u.username, u.is_active, u.fte
    FROM accounts_user u
    JOIN accounts_user_groups ug ON ug.user_id = u.id
    JOIN auth_group g ON g.id = ug.group_id AND g.name = 'IRO'
),
observed AS (
    SELECT count(*) AS d, count(o.iro_id) AS n
    FROM iros i
    LEFT JOIN (
        SELECT DISTINCT iro_id FROM disputes_practiceobservation
        WHERE observed_on BETWEEN %(start)s AND %(end)s
    ) o ON o.iro_id = i.id
    WHERE i.is_active
),
-- Caseloads on the period's last day, or today if earlier (docs/rules.md, caseloads).
caseload AS (
    SELECT iro_id, count(*) FILTER (WHERE NOT adult) AS children,
           count(*) FILTER (WHERE adult) AS post18
    FROM (
        SELECT DISTINCT a.iro_id, a.child_id, c.date_of_birth <= %(adult_born_by)s AS adult
        FROM iro_iroallocation a
        JOIN children_child c ON c.id = a.child_id
        WHERE a.started_on <= least(%(end)s, %(today)s)
          AND (a.ended_on IS NULL OR a.ended_on > least(%(end)s, %(today)s))
          AND a.child_id IN (
              SELECT child_id FROM children_periodofcare
              WHERE started_on <= least(%(end)s, %(today)s) AND NOT short_breaks
                AND (ended_on IS NULL OR ended_on > least(%(end)s, %(today)s))
          )
    ) x
    GROUP BY iro_id
),
caseloads AS (
    SELECT u.id, u.first_name, u.last_name, u.username, coalesce(u.fte, 1) AS fte,
           coalesce(cl.children, 0) AS children, coalesce(cl.post18, 0) AS post18
    FROM accounts_user u
    LEFT JOIN caseload cl ON cl.iro_id = u.id
    WHERE u.id IN (SELECT id FROM iros WHERE is_active) OR cl.children > 0
),
-- Challenges (disputes.reports).
raised AS (
    SELECT team_at_time_id, category, level, stage FROM disputes_challenge
    WHERE raised_on BETWEEN %(start)s AND %(end)s
),
team_then AS (  -- the child's social-work team on the record date (allocation history)
    SELECT DISTINCT ON (h.id) h.id, s.team_id
    FROM held h
    JOIN children_socialworkerallocation s
      ON s.child_id = h.child_id AND s.started_on <= h.record_date
     AND (s.ended_on IS NULL OR s.ended_on > h.record_date)
    ORDER BY h.id, s.started_on DESC, s.id DESC
),
held_by_team AS (
    SELECT coalesce(tt.team_id, c.team_id) AS team_id, count(*) AS reviews
    FROM held h
    JOIN children_child c ON c.id = h.child_id
    LEFT JOIN team_then tt ON tt.id = h.id
    GROUP BY 1
),
concerns AS (
    SELECT coalesce(r.team_id, h.team_id) AS team_id, r.by_category,
           coalesce(h.reviews, 0) AS reviews
    FROM (
        SELECT team_at_time_id AS team_id, jsonb_object_agg(category, n) AS by_category
        FROM (SELECT team_at_time_id, category, count(*) AS n FROM raised GROUP BY 1, 2) x
        GROUP BY 1
    ) r
    FULL JOIN held_by_team h ON coalesce(h.team_id, 0) = coalesce(r.team_id, 0)
),
closed AS (
    SELECT raised_on, closed_on, level, outcome, formal_started_on
    FROM disputes_challenge
    WHERE status = 'closed' AND closed_on BETWEEN %(start)s AND %(end)s
),
-- Formal challenges not closed by the period's end (nor withdrawn since), to judge on
-- the period's last day that is over: the end, or yesterday.
waiting AS (
    SELECT formal_started_on, least(%(end)s::date, %(today)s::date - 1) AS last_day
    FROM disputes_challenge
    WHERE level = 'formal' AND formal_started_on IS NOT NULL
      AND formal_started_on <= least(%(end)s::date, %(today)s::date - 1)
      AND (closed_on IS NULL OR closed_on > %(end)s) AND outcome <> 'withdrawn'
),
calendar AS (  -- working days (R1) up to and including each day
    SELECT day::date AS day,
           extract(isodow FROM day) < 6 AND day::date <> ALL (%(holidays)s::date[]) AS working,
           count(*) FILTER (
               WHERE extract(isodow FROM day) < 6 AND day::date <> ALL (%(holidays)s::date[])
           ) OVER (ORDER BY day) AS n
    FROM generate_series(
        least((SELECT least(min(raised_on), min(formal_started_on)) FROM closed),
              (SELECT min(formal_started_on) FROM waiting))::timestamp,
        (SELECT greatest(%(end)s::date, max(raised_on))::timestamp FROM closed),
        interval '1 day'
    ) day
),
-- Their 20 working days (T28) over by the last day: a working day count of 20 or more.
waiting_late AS (
    SELECT count(*) AS n
    FROM waiting w
    JOIN calendar cf ON cf.day = w.formal_started_on
    JOIN calendar cl ON cl.day = w.last_day
    WHERE cl.n - cf.n >= 20
),
resolution AS (
    SELECT greatest(0, cc.n - cr.n) AS working_days,
           c.level, c.outcome,
           -- closed on or before the 20th working day after the formal start (T28)
           cc.n - cf.n < 20 OR (cc.n - cf.n = 20 AND cc.working) AS within_20
    FROM closed c
    JOIN calendar cr ON cr.day = c.raised_on
    JOIN calendar cc ON cc.day = c.closed_on
    LEFT JOIN calendar cf ON cf.day = c.formal_started_on
),
acknowledgements AS (
    SELECT team_id,
           count(*) FILTER (WHERE kind = 'good_practice_acknowledgement') AS good_practice,
           count(*) FILTER (WHERE kind = 'area_for_improvement') AS for_improvement
    FROM disputes_practiceacknowledgement
    WHERE recorded_on BETWEEN %(start)s AND %(end)s
    GROUP BY team_id
)
SELECT json_build_object(
    'measures', (
        SELECT json_build_object(
            't1', (SELECT json_build_array(n, d) FROM due_counts WHERE month IS NULL),
            't2', json_build_array(t2_n, t2_d),
            't3', (SELECT json_build_array(n, d) FROM t3),
            't4', (SELECT json_build_array(n, d) FROM t4),
            't5', (SELECT json_build_array(n, d) FROM t5_counts WHERE month IS NULL),
            't6_rd', json_build_array(t6_rd_n, t6_rd_d),
            't6_record', json_build_array(t6_record_n, t6_record_d),
            't6_plan', json_build_array(t6_plan_n, t6_plan_d),
            't6_notify', (SELECT json_build_array(n, d) FROM t6_notify),
            't7', (SELECT json_build_array(n, d) FROM t7),
            't8_adjourned', json_build_array(t8_adjourned_n, here_d),
            't8_reconvened', (SELECT json_build_array(n, d) FROM t8_reconvened),
            't9', (SELECT json_build_array(n, d) FROM t9),
            'participation', json_build_array(participation_n, pn_d),
            'views_conveyed', json_build_array(views_conveyed_n, pn_d),
            'attendance', json_build_array(attendance_n, pn_d),
            'no_participation', json_build_array(no_participation_n, pn_d),
            'chaired', json_build_array(chaired_n, chaired_d),
            'chaired_all', json_build_array(chaired_all_n, here_d),
            'asks', (SELECT json_build_array(coalesce(sum(met), 0), coalesce(sum(known), 0))
                     FROM asks WHERE known > 0),
            'contacts', (SELECT json_build_array(n, d) FROM contacts),
            'feedback', (SELECT json_build_array(n, d) FROM feedback),
            'feedback_children', (SELECT json_build_array(child_n, child_d) FROM feedback),
            'challenges', (SELECT json_build_array(count(*) FILTER (WHERE level = 'formal'),
                                                   count(*)) FROM raised),
            'observed', (SELECT json_build_array(n, d) FROM observed)
        )
        FROM held_counts WHERE month IS NULL
    ),
    'trends', json_build_object(
        't1', (SELECT json_agg(json_build_array(m.month, coalesce(c.n, 0), coalesce(c.d, 0))
                               ORDER BY m.month)
               FROM months m LEFT JOIN due_counts c ON c.month = m.month),
        't2', (SELECT json_agg(json_build_array(m.month, coalesce(c.t2_n, 0),
                                                coalesce(c.t2_d, 0)) ORDER BY m.month)
               FROM months m LEFT JOIN held_counts c ON c.month = m.month),
        'participation', (
            SELECT json_agg(json_build_array(m.month, coalesce(c.participation_n, 0),
                                             coalesce(c.pn_d, 0)) ORDER BY m.month)
            FROM months m LEFT JOIN held_counts c ON c.month = m.month),
        't5', (SELECT json_agg(json_build_array(m.month, coalesce(c.n, 0), coalesce(c.d, 0))
                               ORDER BY m.month)
               FROM months m LEFT JOIN t5_counts c ON c.month = m.month)
    ),
    'participation_codes', (
        SELECT json_object_agg(participation, n)
        FROM (SELECT participation, count(*) AS n FROM held GROUP BY 1) x
    ),
    'caseloads', (
        SELECT json_agg(json_build_object(
            'first_name', first_name, 'last_name', last_name, 'username', username,
            'children', children, 'post18', post18, 'fte', fte
        ) ORDER BY last_name, first_name, id)
        FROM caseloads
    ),
    'concerns', (
        SELECT json_agg(json_build_object(
            'team', t.name, 'by_category', coalesce(c.by_category, '{}'), 'reviews', c.reviews
        ) ORDER BY c.team_id IS NULL, t.name)
        FROM concerns c LEFT JOIN accounts_team t ON t.id = c.team_id
    ),
    'levels', (SELECT json_object_agg(level, n)
               FROM (SELECT level, count(*) AS n FROM raised GROUP BY 1) x),
    'highest_stage', (SELECT json_object_agg(stage, n)
                      FROM (SELECT stage, count(*) AS n FROM raised GROUP BY 1) x),
    'median_working_days', (
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY working_days) FROM resolution
    ),
    'formal_within_20', (
        SELECT json_build_array(
            count(*) FILTER (
                WHERE outcome IN ('resolved', 'partially_resolved') AND within_20),
            count(*) + (SELECT n FROM waiting_late))
        FROM resolution WHERE level = 'formal' AND outcome <> 'withdrawn'
    ),
    'cafcass', (
        SELECT json_object_agg(team, n)
        FROM (
            SELECT coalesce(t.name, 'No team') AS team, count(*) AS n
            FROM disputes_cafcassreferral cr
            JOIN disputes_challenge ch ON ch.id = cr.challenge_id
            LEFT JOIN accounts_team t ON t.id = ch.team_at_time_id
            WHERE cr.referred_on BETWEEN %(start)s AND %(end)s
            GROUP BY 1
        ) x
    ),
    'acknowledgements', (
        SELECT json_agg(json_build_array(coalesce(t.name, 'No team'), a.good_practice,
                                         a.for_improvement)
                        ORDER BY a.team_id IS NULL, t.name)
        FROM acknowledgements a LEFT JOIN accounts_team t ON t.id = a.team_id
    ),
    'audits', (
        SELECT json_object_agg(grade, n)
        FROM (
            SELECT grade, count(*) AS n FROM disputes_caseaudit
            WHERE audited_on BETWEEN %(start)s AND %(end)s GROUP BY 1
        ) x
    ),
    'contacts_by_kind', (
        SELECT json_object_agg(how, n)
        FROM (SELECT how, count(*) AS n FROM between_contacts GROUP BY 1) x
    )
)::text;
