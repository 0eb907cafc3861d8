-- The child list filtered to overdue reviews, as the IRO service manager sees it
-- (every child): how many children have an open review past its due date, and the
-- first page of 25 by name, each with their team, social worker and IRO, the legal
-- status of their current episode and the due date of their next review.
-- Parameters: today (date).
WITH overdue AS (
    SELECT c.id, c.last_name, c.first_name, c.child_id
    FROM children_child c
    WHERE EXISTS (
        SELECT 1
        FROM reviews_review r
        WHERE r.child_id = c.id
          AND r.status IN ('planned', 'scheduled', 'invitations_issued', 'in_progress', 'adjourned')
          AND r.due_date < %(today)s
    )
),
page AS (
    SELECT * FROM overdue ORDER BY last_name, first_name, child_id LIMIT 25
)
SELECT
    c.id, c.child_id, c.first_name, c.last_name, c.date_of_birth,
    t.name AS team, sw.first_name AS sw_first, sw.last_name AS sw_last,
    iro.first_name AS iro_first, iro.last_name AS iro_last,
    (
        SELECT e.legal_status
        FROM children_episode e
        JOIN children_periodofcare pc ON pc.id = e.period_id
        WHERE pc.child_id = c.id AND pc.ended_on IS NULL
        ORDER BY e.started_on DESC, e.id DESC
        LIMIT 1
    ) AS legal_status,
    (
        SELECT min(r.due_date)
        FROM reviews_review r
        WHERE r.child_id = c.id
          AND r.status IN ('planned', 'scheduled', 'invitations_issued', 'in_progress', 'adjourned')
    ) AS next_review_due,
    (SELECT count(*) FROM overdue) AS total
FROM page p
JOIN children_child c ON c.id = p.id
LEFT JOIN accounts_team t ON t.id = c.team_id
LEFT JOIN accounts_user sw ON sw.id = c.social_worker_id
LEFT JOIN accounts_user iro ON iro.id = c.iro_id
ORDER BY p.last_name, p.first_name, p.child_id;
