{#- Where each collector stands this month: what had to be collected (overdue
    on the 1st + falling due), what has been, the rate and what is left, as
    of the as-of date, with how far unapplied payments got lettered. Swap
    the filter for `is_complete` rows to look at closed months. -#}
with

monthly as (
    select * from {{ ref('fct_ar_collection_monthly') }}
)

select
    month_start_date,
    measured_until_date,
    company_code,
    collector,
    overdue_at_start,
    falling_due_in_month,
    amount_to_collect,
    amount_collected,
    collection_rate,
    remaining_to_collect,
    unapplied_payments_base,
    unapplied_payments_lettered,
    unapplied_lettering_rate
from monthly
where not is_complete
order by company_code, remaining_to_collect desc, collector
