-- DSO trend: the three DSO methods side by side with BPDSO, ADD and CEI, month by month.
select
    month_end_date,
    company_code,
    is_complete,
    ar_balance,
    net_credit_sales,
    dso_countback,
    dso_standard,
    dso_average_balance,
    bpdso,
    add_days,
    cei
from {{ ref('fct_ar_kpis_monthly') }}
order by company_code, month_end_date
