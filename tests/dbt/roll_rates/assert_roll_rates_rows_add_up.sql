{#- Within each (snapshot, company, from_bucket) of the roll rates
    (DEFINITIONS §13): every row carries the same from_amount, the amounts
    add up to it (everything open at p went somewhere: to a bucket or to
    `settled`; for `new`, by definition) and so the roll rates add up to 1. -#}
select
    snapshot_date,
    company_code,
    from_bucket,
    min(from_amount) as min_from_amount,
    max(from_amount) as max_from_amount,
    sum(amount) as total_amount,
    sum(roll_rate) as total_roll_rate
from {{ ref('fct_ar_roll_rates_weekly') }}
group by snapshot_date, company_code, from_bucket
having
    min(from_amount) <> max(from_amount)
    or sum(amount) <> min(from_amount)
    or abs(sum(roll_rate) - 1) > 0.0001
