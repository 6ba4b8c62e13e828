{#- Collection rate ("taux de recouvrement") per month, company and collector
    (docs/definitions/07-collection-rate.md): what had to be collected in the month (overdue on the
    1st + falling due in the month), what was collected by lettering that
    took effect in the month, and how much of the unapplied payments got
    lettered. The sum over the customer groups of
    int_collection__monthly_figures; the rates are recomputed from the
    summed amounts. -#}
with

by_customer_group as (
    select * from {{ ref('int_collection__monthly_figures') }}
),

figures as (
    select
        month_start_date,
        month_end_date,
        measured_until_date,
        is_current_month,
        company_code,
        collector,
        sum(overdue_at_start) as overdue_at_start,
        sum(falling_due_in_month) as falling_due_in_month,
        sum(amount_to_collect) as amount_to_collect,
        sum(amount_collected) as amount_collected,
        sum(target_item_count) as target_item_count,
        sum(unapplied_payments_base) as unapplied_payments_base,
        sum(unapplied_payments_lettered) as unapplied_payments_lettered,
        sum(unapplied_payment_count) as unapplied_payment_count
    from by_customer_group
    group by
        month_start_date,
        month_end_date,
        measured_until_date,
        is_current_month,
        company_code,
        collector
)

select
    cast(month_start_date as date) as month_start_date,
    cast(month_end_date as date) as month_end_date,
    cast(company_code as {{ dbt.type_string() }}) as company_code,
    cast(collector as {{ dbt.type_string() }}) as collector,
    {{ ar_collection_measures() }},
    cast(measured_until_date as date) as measured_until_date,
    cast(not is_current_month as boolean) as is_complete
from figures
order by month_start_date, company_code, collector
