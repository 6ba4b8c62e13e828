{#- The monthly collection KPIs (docs/definitions/07-collection-rate.md) per company, collector and
    customer group: the finest grain of the collection figures, so that BI
    can filter by customer group (figures: int_collection__monthly_figures).
    Rates are recomputed from the sums, never averaged. -#}
with

figures as (
    select * from {{ ref('int_collection__monthly_figures') }}
)

select
    cast(month_start_date as date) as month_start_date,
    cast(month_end_date as date) as month_end_date,
    cast(company_code as {{ dbt.type_string() }}) as company_code,
    cast(collector as {{ dbt.type_string() }}) as collector,
    cast(customer_group as {{ dbt.type_string() }}) as customer_group,
    {{ ar_collection_measures() }},
    cast(measured_until_date as date) as measured_until_date,
    cast(not is_current_month as boolean) as is_complete
from figures
order by month_start_date, company_code, collector, customer_group
