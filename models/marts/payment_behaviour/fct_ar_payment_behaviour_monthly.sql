{#- Payment behaviour per company, customer and month end
    (docs/definitions/14-payment-behaviour.md), as computed in
    int_customers__payment_behaviour_monthly. -#}
with

payment_behaviour as (
    select * from {{ ref('int_customers__payment_behaviour_monthly') }}
)

select
    month_end_date,
    month_start_date,
    company_code,
    customer_code,
    customer_name,
    customer_group,
    settled_item_count,
    settled_amount,
    weighted_days_late,
    on_time_share,
    open_overdue_item_count,
    open_overdue_amount,
    open_weighted_days_past_due,
    payment_rating,
    payment_rating_order,
    payment_rating_label_fr,
    payment_rating_label_en,
    measured_until_date,
    is_complete,
    is_latest
from payment_behaviour
order by month_end_date, company_code, customer_code
