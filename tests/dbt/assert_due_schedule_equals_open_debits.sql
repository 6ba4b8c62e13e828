{#- The due schedule spreads exactly the open debit amount as of the as-of
    date: nothing lost, nothing counted twice. -#}
with

scheduled as (
    select
        company_code,
        sum(amount) as scheduled_amount
    from {{ ref('fct_ar_due_schedule') }}
    group by company_code
),

open_debits as (
    select
        company_code,
        sum(open_amount) as open_debit_amount
    from {{ ref('fct_ar_open_items_weekly') }}
    where is_latest and open_amount > 0
    group by company_code
)

select
    coalesce(scheduled.company_code, open_debits.company_code) as company_code,
    scheduled.scheduled_amount,
    open_debits.open_debit_amount
from scheduled
full outer join open_debits
    on scheduled.company_code = open_debits.company_code
where coalesce(scheduled.scheduled_amount, 0) <> coalesce(open_debits.open_debit_amount, 0)
