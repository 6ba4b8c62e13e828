-- Overdue outstanding by blocking cause at the latest snapshot: what stands between the
-- collectors and the cash.
select
    company_code,
    blocking_cause_order,
    blocking_cause,
    blocking_cause_label_fr,
    blocking_cause_label_en,
    sum(outstanding_amount) as outstanding_amount,
    sum(case when age_bucket not in ('not_due', 'unapplied') then outstanding_amount else 0 end) as overdue_amount,
    sum(open_item_count) as open_item_count
from {{ ref('fct_ar_outstanding_weekly') }}
where is_latest
group by company_code, blocking_cause_order, blocking_cause, blocking_cause_label_fr, blocking_cause_label_en
order by company_code, blocking_cause_order
