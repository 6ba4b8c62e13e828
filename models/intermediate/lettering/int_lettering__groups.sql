{#- Lettering groups (docs/definitions/02-lettering.md): the items of one customer that share a
    lettering code. A group takes effect on its effective date, the latest of
    every lettering date and every posting date in it: before that, each of
    its items is fully open. -#}
with

entries as (
    select * from {{ ref('stg_ledger__entries') }}
    where lettering_code is not null
)

select
    company_code,
    customer_code,
    lettering_code,
    count(*) as item_count,
    sum(case when amount > 0 then amount else 0 end) as debit_total,
    sum(case when amount < 0 then -amount else 0 end) as credit_total,
    sum(amount) as group_amount,
    sum(amount) = 0 as is_balanced,
    case
        when sum(amount) = 0 then 'balanced'
        when sum(amount) > 0 then 'residual_on_debits'
        else 'residual_on_credits'
    end as settlement_kind,
    min(posting_date) as first_posting_date,
    max(posting_date) as last_posting_date,
    max(lettering_date) as last_lettering_date,
    greatest(max(posting_date), coalesce(max(lettering_date), max(posting_date))) as effective_date
from entries
group by company_code, customer_code, lettering_code
