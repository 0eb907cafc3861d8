-- A child's page, as the IRO service manager sees it: the child with their team,
-- social worker and IRO; every period of care with its episodes; every review (the
-- timeline and the next review's due date and rule); the IRO history; secure
-- placements, the pathway, sharing restrictions and significant events.
-- One row of JSON. Parameters: child (id).
SELECT json_build_object(
    'child', (
        SELECT row_to_json(x) FROM (
            SELECT c.*, t.name AS team_name,
                   sw.first_name || ' ' || sw.last_name AS social_worker_name,
                   iro.first_name || ' ' || iro.last_name AS iro_name
            FROM children_child c
            LEFT JOIN accounts_team t ON t.id = c.team_id
            LEFT JOIN accounts_user sw ON sw.id = c.social_worker_id
            LEFT JOIN accounts_user iro ON iro.id = c.iro_id
            WHERE c.id = %(child)s
        ) x
    ),
    'periods', (
        SELECT json_agg(json_build_object(
            'period', row_to_json(p),
            'episodes', (
                SELECT json_agg(row_to_json(e) ORDER BY e.started_on, e.id)
                FROM children_episode e WHERE e.period_id = p.id
            )
        ) ORDER BY p.started_on DESC)
        FROM children_periodofcare p WHERE p.child_id = %(child)s
    ),
    'reviews', (
        SELECT json_agg(json_build_object(
            'id', r.id, 'kind', r.kind, 'status', r.status, 'due_date', r.due_date,
            'record_date', r.record_date, 'due_rule', r.due_rule
        ) ORDER BY coalesce(r.record_date, r.due_date) DESC)
        FROM reviews_review r WHERE r.child_id = %(child)s
    ),
    'iro_history', (
        SELECT json_agg(json_build_object(
            'started_on', a.started_on, 'ended_on', a.ended_on,
            'iro', u.first_name || ' ' || u.last_name
        ) ORDER BY a.started_on DESC, a.id DESC)
        FROM iro_iroallocation a JOIN accounts_user u ON u.id = a.iro_id
        WHERE a.child_id = %(child)s
    ),
    'secure', (
        SELECT json_agg(row_to_json(s)) FROM children_secureplacement s
        WHERE s.child_id = %(child)s
    ),
    'pathway', (
        SELECT row_to_json(pw) FROM children_pathway pw WHERE pw.child_id = %(child)s
    ),
    'restrictions', (
        SELECT json_agg(row_to_json(rs)) FROM children_parentsharingrestriction rs
        WHERE rs.child_id = %(child)s AND rs.ended_on IS NULL
    ),
    'events', (
        SELECT json_agg(row_to_json(ev) ORDER BY ev.occurred_on DESC, ev.id DESC)
        FROM children_significantevent ev WHERE ev.child_id = %(child)s
    )
);
