{#- The collection figures of each month (docs/definitions/07-collection-rate.md) per company,
    collector and customer group: the finest grain of the collection KPIs. What had to be
    collected (overdue on the 1st + falling due in the month), what lettering that took effect
    in the month collected, and the unapplied payments and how much of them got lettered, as
    sums. The monthly collection marts add them up to their grain and recompute the rates from
    the sums (ar_collection_measures), never averaging rates. -#}
with

monthly_items as (
    select * from {{ ref('int_collection__monthly_items') }}
),

sums as (
    select
        month_start_date,
        month_end_date,
        measured_until_date,
        is_current_month,
        company_code,
        collector,
        customer_group,
        -- what had to be collected: overdue on the 1st, or falling due in the month
        sum(
            case when item_role = 'collection_target' and due_timing = 'overdue_at_start' then base_amount else 0 end
        ) as overdue_at_start,
        sum(
            case
                when item_role = 'collection_target' and due_timing = 'falling_due_in_month' then base_amount
                else 0
            end
        ) as falling_due_in_month,
        sum(case when item_role = 'collection_target' then base_amount else 0 end) as amount_to_collect,
        -- settled by lettering that took effect in the month
        sum(case when item_role = 'collection_target' then settled_amount else 0 end) as amount_collected,
        sum(case when item_role = 'collection_target' then 1 else 0 end) as target_item_count,
        -- payments waiting to be lettered, and how much of them got lettered
        sum(case when item_role = 'unapplied_payment' then base_amount else 0 end) as unapplied_payments_base,
        sum(case when item_role = 'unapplied_payment' then settled_amount else 0 end) as unapplied_payments_lettered,
        sum(case when item_role = 'unapplied_payment' then 1 else 0 end) as unapplied_payment_count
    from monthly_items
    group by
        month_start_date,
        month_end_date,
        measured_until_date,
        is_current_month,
        company_code,
        collector,
        customer_group
)

-- two decimals on every engine (sums keep each engine's own numeric scale)
select
    month_start_date,
    month_end_date,
    measured_until_date,
    is_current_month,
    company_code,
    collector,
    customer_group,
    cast(overdue_at_start as decimal(18, 2)) as overdue_at_start,
    cast(falling_due_in_month as decimal(18, 2)) as falling_due_in_month,
    cast(amount_to_collect as decimal(18, 2)) as amount_to_collect,
    cast(amount_collected as decimal(18, 2)) as amount_collected,
    cast(target_item_count as integer) as target_item_count,
    cast(unapplied_payments_base as decimal(18, 2)) as unapplied_payments_base,
    cast(unapplied_payments_lettered as decimal(18, 2)) as unapplied_payments_lettered,
    cast(unapplied_payment_count as integer) as unapplied_payment_count
from sums
