-- An IRO's My work: the reviews of the children they are the IRO for that are
-- neither closed nor cancelled, the 200 due first, each with what the steps need
-- (the child, the period's start, Review Choices and the checklist, whether the IRO
-- has seen the child, how many key documents are shared, the progress review); the
-- first 20 of their children by name; and how many children they can see.
-- Parameters: iro (user id).
SELECT json_build_object(
    'reviews', (
        SELECT json_agg(x ORDER BY x.due_date, x.id) FROM (
            SELECT r.id, r.kind, r.status, r.due_date, r.scheduled_for, r.record_date,
                   r.rd_submitted_on, c.id AS child, c.first_name, c.last_name,
                   c.team_id, c.iro_id, p.started_on AS period_started_on,
                   ch.id AS choices, cl.id AS checklist, cl.confirmed_on,
                   EXISTS (SELECT 1 FROM reviews_childcontact cc
                           WHERE cc.review_id = r.id AND cc.removed_at IS NULL)
                       AS child_contact,
                   (SELECT count(*) FROM reviews_keydocument d
                    WHERE d.review_id = r.id AND d.kind IN ('sw_report', 'care_plan')
                      AND d.shared_on IS NOT NULL) AS documents_shared,
                   pr.target_date AS progress_target, pr.done_on AS progress_done
            FROM reviews_review r
            JOIN children_child c ON c.id = r.child_id
            JOIN children_periodofcare p ON p.id = r.period_id
            LEFT JOIN reviews_reviewchoices ch ON ch.review_id = r.id
            LEFT JOIN reviews_conveningchecklist cl ON cl.review_id = r.id
            LEFT JOIN reviews_progressreview pr ON pr.review_id = r.id
            WHERE c.iro_id = %(iro)s AND r.status NOT IN ('closed', 'cancelled')
            ORDER BY r.due_date, r.id
            LIMIT 200
        ) x
    ),
    'my_children', (
        SELECT json_agg(y) FROM (
            SELECT c.id, c.child_id, c.first_name, c.last_name
            FROM children_child c WHERE c.iro_id = %(iro)s
            ORDER BY c.last_name, c.first_name, c.child_id LIMIT 20
        ) y
    ),
    'in_scope', (
        SELECT count(*) FROM children_child c
        WHERE c.iro_id = %(iro)s AND c.archived_at IS NULL
    )
);
