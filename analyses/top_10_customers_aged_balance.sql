-- The ten largest balances at the latest snapshot with their aged buckets and last week's change.
select
    company_code,
    customer_code,
    customer_name,
    collector,
    not_due,
    overdue_1_30,
    overdue_31_60,
    overdue_61_90,
    overdue_91_120,
    overdue_over_120,
    unapplied,
    balance,
    previous_balance,
    balance_change
from {{ ref('fct_ar_aged_balance_weekly') }}
where is_latest
order by balance desc
limit 10
