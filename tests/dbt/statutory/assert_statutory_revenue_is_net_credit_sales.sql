{#- A fiscal year of whole calendar months (the default, 1 January to
    31 December) has for revenue the net credit sales of its months in the
    monthly KPIs (DEFINITIONS §6). Months before the first posting have no
    KPI row and no sales. -#}
with

statutory as (
    select distinct
        fiscal_year_start,
        fiscal_year_end,
        company_code,
        revenue
    from {{ ref('fct_ar_statutory_payment_delays') }}
),

kpis as (
    select * from {{ ref('fct_ar_kpis_monthly') }}
),

whole_month_years as (
    select *
    from statutory
    where
        extract(day from fiscal_year_start) = 1
        and {{ ar_add_days('fiscal_year_end', 1) }}
        = {{ ar_date_add('month', 1, dbt.date_trunc('month', 'fiscal_year_end')) }}
),

monthly_sales as (
    select
        whole_month_years.fiscal_year_end,
        whole_month_years.company_code,
        sum(kpis.net_credit_sales) as net_credit_sales
    from whole_month_years
    inner join kpis
        on
            whole_month_years.company_code = kpis.company_code
            and whole_month_years.fiscal_year_start <= kpis.month_start_date
            and whole_month_years.fiscal_year_end >= kpis.month_end_date
    group by whole_month_years.fiscal_year_end, whole_month_years.company_code
)

select
    whole_month_years.*,
    monthly_sales.net_credit_sales
from whole_month_years
left join monthly_sales
    on
        whole_month_years.fiscal_year_end = monthly_sales.fiscal_year_end
        and whole_month_years.company_code = monthly_sales.company_code
where whole_month_years.revenue <> coalesce(monthly_sales.net_credit_sales, 0)
