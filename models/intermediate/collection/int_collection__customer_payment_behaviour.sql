{#- How late each customer pays (docs/definitions/08-forward-views.md), as of the as-of date: the
    amount-weighted average days late of its debit items settled in the 365
    days ending on the as-of date.

    - Settled: a debit item whose lettering group took effect in the window
      (as-of date - 364 .. as-of date), for the part the group settled
      (amount - residual). Items settled in part weigh that part only.
    - Days late: the group's effective date - the item's due date. Early
      payment counts negative (a customer who pays 5 days early is expected
      5 days before the due date), so the average is the customer's usual
      payment date relative to the due date, not a penalty score.

    Every customer of int_customers__resolved has a row; without any settled
    item its average is null and the forecast uses 0 days. -#}
with

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
    where item_side = 'debit' and settled_size > 0
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

window_bounds as (
    select
        {{ ar_add_days('as_of_date', -364) }} as window_start_date,
        as_of_date as window_end_date
    from as_of
),

settled_items as (
    select
        settlements.company_code,
        settlements.customer_code,
        settlements.settled_size as settled_amount,
        {{ ar_days_between('settlements.due_date', 'settlements.effective_date') }}
            as days_late
    from settlements
    cross join window_bounds
    where settlements.effective_date between window_bounds.window_start_date and window_bounds.window_end_date
),

by_customer as (
    select
        company_code,
        customer_code,
        count(*) as settled_item_count,
        sum(settled_amount) as settled_amount,
        sum(case when days_late > 0 then settled_amount else 0 end) as settled_late_amount,
        {{ ar_divide('sum(settled_amount * days_late)', 'sum(settled_amount)') }} as average_days_late
    from settled_items
    group by company_code, customer_code
)

select
    customers.company_code,
    customers.customer_code,
    window_bounds.window_start_date,
    window_bounds.window_end_date,
    coalesce(by_customer.settled_item_count, 0) as settled_item_count,
    cast(coalesce(by_customer.settled_amount, 0) as decimal(18, 2)) as settled_amount,
    cast(coalesce(by_customer.settled_late_amount, 0) as decimal(18, 2)) as settled_late_amount,
    cast(by_customer.average_days_late as decimal(18, 2)) as average_days_late,
    -- whole days to add to a due date: the average rounded, 0 without history
    cast(coalesce(round(cast(by_customer.average_days_late as decimal(18, 6)), 0), 0) as integer)
        as expected_days_late
from customers
cross join window_bounds
left join by_customer
    on
        customers.company_code = by_customer.company_code
        and customers.customer_code = by_customer.customer_code
