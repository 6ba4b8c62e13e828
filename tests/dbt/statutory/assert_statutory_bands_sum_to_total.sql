{#- The day bands of each table add up to its total: amounts exactly; counts
    of distinct documents at most (a document with items in two bands counts
    in both but once in the total), and at least the largest band. -#}
with

statutory as (
    select * from {{ ref('fct_ar_statutory_payment_delays') }}
),

bands as (
    select
        fiscal_year_end,
        company_code,
        table_code,
        sum(amount) as band_amount,
        sum(invoice_count) as band_count_sum,
        max(invoice_count) as band_count_max
    from statutory
    where lateness_band in ('1_30', '31_60', '61_90', '91_plus')
    group by fiscal_year_end, company_code, table_code
),

totals as (
    select
        fiscal_year_end,
        company_code,
        table_code,
        amount,
        invoice_count
    from statutory
    where lateness_band = 'total'
)

select
    totals.*,
    bands.band_amount,
    bands.band_count_sum,
    bands.band_count_max
from totals
left join bands
    on
        totals.fiscal_year_end = bands.fiscal_year_end
        and totals.company_code = bands.company_code
        and totals.table_code = bands.table_code
where
    bands.band_amount is null
    or totals.amount <> bands.band_amount
    or totals.invoice_count > bands.band_count_sum
    or totals.invoice_count < bands.band_count_max
