-- The payment-delay tables of the management report (article D441-6, customer side) for the
-- latest closed fiscal year, laid out as the legal model: one line per measure, the day bands
-- as columns. Table I (unpaid past due at the year end) then table II (paid late during the
-- year), per company. The excluded (disputed) invoices of table I are given on their own lines,
-- in the total column, as the model's part (B) does. Amounts tax included (TTC).
with

latest_year as (
    select * from {{ ref('fct_ar_statutory_payment_delays') }}
    where is_latest_fiscal_year
),

measures as (
    select
        fiscal_year_end,
        company_code,
        table_code,
        1 as line_order,
        case
            when table_code = 'I' then 'Nombre de factures concernées'
            else 'Nombre cumulé de factures concernées'
        end as line_label_fr,
        'Number of invoices' as line_label_en,
        lateness_band,
        cast(invoice_count as decimal(18, 2)) as line_value
    from latest_year
    where lateness_band <> 'excluded_disputed'
    union all
    select
        fiscal_year_end,
        company_code,
        table_code,
        2 as line_order,
        case
            when table_code = 'I' then 'Montant total des factures concernées (TTC)'
            else 'Montant cumulé des factures concernées (TTC)'
        end as line_label_fr,
        'Amount of the invoices (incl. tax)' as line_label_en,
        lateness_band,
        amount as line_value
    from latest_year
    where lateness_band <> 'excluded_disputed'
    union all
    select
        fiscal_year_end,
        company_code,
        table_code,
        3 as line_order,
        case
            when table_code = 'I' then 'Pourcentage du chiffre d''affaires de l''exercice (TTC)'
            else 'Pourcentage du nombre total des factures émises dans l''année'
        end as line_label_fr,
        case
            when table_code = 'I' then '% of the fiscal year''s revenue (incl. tax)'
            else '% of the number of invoices issued in the year'
        end as line_label_en,
        lateness_band,
        cast(round(coalesce(pct_of_revenue, pct_of_invoice_count), 2) as decimal(18, 2)) as line_value
    from latest_year
    where lateness_band <> 'excluded_disputed'
    union all
    select
        fiscal_year_end,
        company_code,
        table_code,
        4 as line_order,
        'Pourcentage du montant total des factures émises dans l''année (TTC)' as line_label_fr,
        '% of the amount of invoices issued in the year (incl. tax)' as line_label_en,
        lateness_band,
        cast(round(pct_of_invoice_amount, 2) as decimal(18, 2)) as line_value
    from latest_year
    where table_code = 'II'
    union all
    select
        fiscal_year_end,
        company_code,
        table_code,
        4 as line_order,
        'Nombre des factures exclues (créances litigieuses)' as line_label_fr,
        'Number of excluded invoices (disputed receivables)' as line_label_en,
        'total' as lateness_band,
        cast(invoice_count as decimal(18, 2)) as line_value
    from latest_year
    where lateness_band = 'excluded_disputed'
    union all
    select
        fiscal_year_end,
        company_code,
        table_code,
        5 as line_order,
        'Montant total des factures exclues (TTC)' as line_label_fr,
        'Amount of excluded invoices (incl. tax)' as line_label_en,
        'total' as lateness_band,
        amount as line_value
    from latest_year
    where lateness_band = 'excluded_disputed'
)

select
    fiscal_year_end,
    company_code,
    table_code,
    line_order,
    line_label_fr,
    line_label_en,
    max(case when lateness_band = '1_30' then line_value end) as days_1_30,
    max(case when lateness_band = '31_60' then line_value end) as days_31_60,
    max(case when lateness_band = '61_90' then line_value end) as days_61_90,
    max(case when lateness_band = '91_plus' then line_value end) as days_91_plus,
    max(case when lateness_band = 'total' then line_value end) as total_1_day_and_over
from measures
group by fiscal_year_end, company_code, table_code, line_order, line_label_fr, line_label_en
order by company_code, table_code, line_order
