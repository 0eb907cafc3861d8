-- The nightly recompute, as one statement: every open review of an open period of
-- care (additional reviews keep their date) gets the engine's next due date, track and
-- rule (CPPCR reg 33, AAR reg 36: tracks P1-P3, working days R1-R2, months R4,
-- practical latest date R7), and every open review its RAG colour; RAG is cleared on
-- reviews no longer open. Only rows whose values change are written.
-- Parameters: today (date), amber_until (date: 5 working days after today, the
-- engine's add_working_days), holidays (date[]: England's bank holidays, the same
-- calendar as the engine's).
WITH periods AS (
    SELECT p.id, p.started_on, p.authority_to_place_on AS auth,
           p.placed_for_adoption_on AS placed, p.adoption_placement_ended_on AS ended,
           count(r.id) AS n,
           max(r.record_date) AS last,
           count(r.id) FILTER (WHERE r.record_date >= p.authority_to_place_on) AS n_auth,
           max(r.record_date) FILTER (WHERE r.record_date >= p.authority_to_place_on) AS last_auth,
           count(r.id) FILTER (WHERE r.record_date >= p.placed_for_adoption_on) AS n_placed,
           max(r.record_date) FILTER (WHERE r.record_date >= p.placed_for_adoption_on) AS last_placed
    FROM children_periodofcare p
    LEFT JOIN reviews_review r
           ON r.period_id = p.id AND r.record_date IS NOT NULL AND r.status <> 'cancelled'
    WHERE p.ended_on IS NULL
      AND EXISTS (
          SELECT 1 FROM reviews_review o
          WHERE o.period_id = p.id
            AND o.status IN ('planned', 'scheduled', 'invitations_issued', 'in_progress', 'adjourned')
            AND o.kind <> 'additional'
      )
    GROUP BY p.id
),
tracks AS (
    SELECT p.id,
        -- CLA track (reg 33): first review 20 working days after the start, the second
        -- 3 months after the first, then every 6 months.
        CASE
            WHEN p.n = 0 THEN (
                SELECT d::date FROM generate_series(p.started_on + 1, p.started_on + 45, interval '1 day') d
                WHERE extract(isodow FROM d) < 6 AND d::date <> ALL (%(holidays)s::date[])
                ORDER BY d OFFSET 19 LIMIT 1)
            WHEN p.n = 1 THEN (p.last + interval '3 months')::date
            ELSE (p.last + interval '6 months')::date
        END AS cla_due,
        CASE
            WHEN p.n = 0 THEN '20 working days after the child became looked after on '
                || to_char(p.started_on, 'FMDay FMDD FMMonth YYYY')
                || ' (Care Planning, Placement and Case Review (England) Regulations 2010, regulation 33(1))'
            ELSE CASE WHEN p.n = 1 THEN '3 months after the first review, held on '
                      ELSE '6 months after the last review, held on ' END
                || to_char(p.last, 'FMDay FMDD FMMonth YYYY')
                || CASE WHEN p.placed IS NOT NULL AND p.ended IS NOT NULL
                        THEN ', the placement for adoption having ended' ELSE '' END
                || ' (Care Planning, Placement and Case Review (England) Regulations 2010, regulation 33(2))'
        END AS cla_rule,
        -- Authorised to place (AAR reg 36(1)): 3 months after the authority, then 6.
        CASE WHEN p.n_auth = 0 THEN (p.auth + interval '3 months')::date
             ELSE (p.last_auth + interval '6 months')::date END AS auth_due,
        CASE WHEN p.n_auth = 0
             THEN '3 months after the agency was authorised to place the child for adoption on '
                  || to_char(p.auth, 'FMDay FMDD FMMonth YYYY')
             ELSE '6 months after the last review since the authority to place, held on '
                  || to_char(p.last_auth, 'FMDay FMDD FMMonth YYYY')
        END || ' (Adoption Agencies Regulations 2005, regulation 36(1))' AS auth_rule,
        -- Placed for adoption (AAR reg 36(3)): 28 days, then 3 months, then 6.
        CASE WHEN p.n_placed = 0 THEN p.placed + 28
             WHEN p.n_placed = 1 THEN (p.last_placed + interval '3 months')::date
             ELSE (p.last_placed + interval '6 months')::date END AS placed_due,
        CASE WHEN p.n_placed = 0
             THEN '28 days after the child was placed for adoption on '
                  || to_char(p.placed, 'FMDay FMDD FMMonth YYYY')
             WHEN p.n_placed = 1
             THEN '3 months after the first review since the placement, held on '
                  || to_char(p.last_placed, 'FMDay FMDD FMMonth YYYY')
             ELSE '6 months after the last review since the placement, held on '
                  || to_char(p.last_placed, 'FMDay FMDD FMMonth YYYY')
        END || ' (Adoption Agencies Regulations 2005, regulation 36(3))' AS placed_rule,
        p.auth, p.placed, p.ended
    FROM periods p
),
due AS (
    -- Precedence: P1 placed (and not ended) follows the placement track; P3 placement
    -- ended goes back to the CLA track; P2 authorised takes the earlier, adoption on a tie.
    SELECT t.id,
        CASE WHEN t.placed IS NOT NULL AND t.ended IS NULL THEN t.placed_due
             WHEN t.placed IS NULL AND t.auth IS NOT NULL AND t.auth_due <= t.cla_due THEN t.auth_due
             ELSE t.cla_due END AS due,
        CASE WHEN t.placed IS NOT NULL AND t.ended IS NULL THEN 'adoption_placed'
             WHEN t.placed IS NULL AND t.auth IS NOT NULL AND t.auth_due <= t.cla_due THEN 'adoption_authorised'
             ELSE 'cla' END AS track,
        CASE WHEN t.placed IS NOT NULL AND t.ended IS NULL THEN t.placed_rule
             WHEN t.placed IS NULL AND t.auth IS NOT NULL AND t.auth_due <= t.cla_due THEN t.auth_rule
             ELSE t.cla_rule END AS rule
    FROM tracks t
),
explained AS (
    -- explain(): "Due by <date>: <rule>", and the practical latest date (R7) when the
    -- due date is not a working day.
    SELECT d.id, d.due, d.track,
        'Due by ' || to_char(d.due, 'FMDay FMDD FMMonth YYYY') || ': ' || d.rule
        || CASE WHEN extract(isodow FROM d.due) < 6 AND d.due <> ALL (%(holidays)s::date[]) THEN ''
                ELSE '. Practical latest date: ' || to_char((
                    SELECT max(x)::date FROM generate_series(d.due - 10, d.due, interval '1 day') x
                    WHERE extract(isodow FROM x) < 6 AND x::date <> ALL (%(holidays)s::date[])
                ), 'FMDay FMDD FMMonth YYYY') || ' (the due date is not a working day)'
           END AS rule
    FROM due d
),
target AS (
    SELECT r.id,
        coalesce(e.due, r.due_date) AS due_date,
        coalesce(e.track, r.due_track) AS due_track,
        coalesce(e.rule, r.due_rule) AS due_rule,
        CASE WHEN r.status NOT IN ('planned', 'scheduled', 'invitations_issued', 'in_progress', 'adjourned') THEN ''
             WHEN coalesce(e.due, r.due_date) < %(today)s THEN 'red'
             WHEN coalesce(e.due, r.due_date) <= %(amber_until)s THEN 'amber'
             ELSE 'green' END AS rag
    FROM reviews_review r
    LEFT JOIN explained e
           ON e.id = r.period_id AND r.kind <> 'additional'
          AND r.status IN ('planned', 'scheduled', 'invitations_issued', 'in_progress', 'adjourned')
    WHERE r.status IN ('planned', 'scheduled', 'invitations_issued', 'in_progress', 'adjourned')
       OR r.rag <> ''
)
UPDATE reviews_review r
SET due_date = t.due_date, due_track = t.due_track, due_rule = t.due_rule, rag = t.rag
FROM target t
WHERE r.id = t.id
  AND (r.due_date, r.due_track, r.due_rule, r.rag)
      IS DISTINCT FROM (t.due_date, t.due_track, t.due_rule, t.rag);
