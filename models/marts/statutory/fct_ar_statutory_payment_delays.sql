{#- The customer side of the payment-delay tables of the management report
    (article D441-6 of the Code de commerce, DEFINITIONS §16), per fiscal
    year end F and company; docs/definitions/16-statutory-payment-delays.md.

    Table I: invoices issued, still unpaid at F and past due, by how late
    they are at F, as a share of the year's revenue; the invoices of a
    document in dispute at F are left out and shown apart. Table II: invoices
    the customer settled late during the year, by how late they were settled,
    as a share of the invoices issued in the year.

    An invoice is a debit item of type `invoice`; a document (company,
    customer, document number) counts once in each band where it has an item.
    Amounts are the ledger's, tax included (TTC). The tables read the open
    item intervals, not the weekly snapshots, so a year end on any weekday is
    measured exactly. -#}
{%- set day_bands = [
    {'code': '1_30', 'order': 1, 'lo': 1, 'hi': 30, 'fr': '1 à 30 jours', 'en': '1 to 30 days'},
    {'code': '31_60', 'order': 2, 'lo': 31, 'hi': 60, 'fr': '31 à 60 jours', 'en': '31 to 60 days'},
    {'code': '61_90', 'order': 3, 'lo': 61, 'hi': 90, 'fr': '61 à 90 jours', 'en': '61 to 90 days'},
    {'code': '91_plus', 'order': 4, 'lo': 91, 'hi': 'null', 'fr': '91 jours et plus', 'en': '91 days and over'},
    {'code': 'total', 'order': 5, 'lo': 1, 'hi': 'null',
     'fr': 'Total (1 jour et plus)', 'en': 'Total (1 day and over)'},
] -%}
{%- set disputed_band = {
    'code': 'excluded_disputed', 'order': 6, 'lo': 'null', 'hi': 'null',
    'fr': 'Factures exclues relatives à des créances litigieuses',
    'en': 'Excluded invoices relating to disputed receivables'} -%}
{%- set bands = [] -%}
{%- for table in ['I', 'II'] -%}
{%- for band in day_bands + ([disputed_band] if table == 'I' else []) -%}
{%- do bands.append(dict(band, table=table)) -%}
{%- endfor -%}
{%- endfor -%}
{%- set tables = [
    {'code': 'I',
     'fr': "Article D.441 I.-2° : Factures émises non réglées à la date de clôture de l'exercice dont le terme est échu",
     'en': 'Article D.441 I.-2°: invoices issued, unpaid at the fiscal year end and past due'},
    {'code': 'II',
     'fr': "Article D.441 II : Factures émises ayant connu un retard de paiement au cours de l'exercice",
     'en': 'Article D.441 II: invoices issued that were paid late during the fiscal year'},
] -%}
with

entries as (
    select * from {{ ref('stg_ledger__entries') }}
),

open_invoice_intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where document_type = 'invoice' and item_side = 'debit'
),

settled_debits as (
    select * from {{ ref('int_lettering__item_settlements') }}
    where item_side = 'debit' and residual_amount = 0
),

disputes as (
    select * from {{ ref('int_dunning__document_state_intervals') }}
    where blocking_cause = 'dispute'
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

integers as (
    {{ ar_integers(3) }}
),

companies as (
    select distinct company_code
    from entries
),

-- every date with the fiscal year-end month-day from the first posting to
-- the as-of date; its year runs from the day after the previous year end
calendar_years as (
    select cast(extract(year from as_of.first_posting_date) as integer) + integers.n as year_number
    from as_of
    cross join integers
    where
        integers.n
        <= cast(extract(year from as_of.as_of_date) as integer)
        - cast(extract(year from as_of.first_posting_date) as integer)
),

fiscal_years as (
    select
        {{ ar_fiscal_year_end_of('calendar_years.year_number') }} as fiscal_year_end,
        {{ ar_fiscal_year_end_of('calendar_years.year_number - 1') }} as previous_fiscal_year_end
    from calendar_years
),

closed_fiscal_years as (
    select
        fiscal_years.fiscal_year_end,
        fiscal_years.previous_fiscal_year_end,
        fiscal_years.fiscal_year_end = max(fiscal_years.fiscal_year_end) over () as is_latest_fiscal_year
    from fiscal_years
    cross join as_of
    where
        fiscal_years.fiscal_year_end >= as_of.first_posting_date
        and fiscal_years.fiscal_year_end <= as_of.as_of_date
),

-- the bands of the legal model table: days late 1-30, 31-60, 61-90, 91 and
-- more, their total, and (table I only) the invoices left out as disputed
bands as (
    {%- for band in bands %}
    select
        '{{ band.table }}' as table_code,
        '{{ band.code }}' as lateness_band,
        {{ band.order }} as lateness_band_order,
        cast({{ band.lo }} as integer) as min_days_late,
        cast({{ band.hi }} as integer) as max_days_late,
        {{ ar_text_literal(band.fr) }} as lateness_band_label_fr,
        {{ ar_text_literal(band.en) }} as lateness_band_label_en
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

tables as (
    {%- for table in tables %}
    select
        '{{ table.code }}' as table_code,
        {{ ar_text_literal(table.fr) }} as table_label_fr,
        {{ ar_text_literal(table.en) }} as table_label_en
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- Table I: invoice items open at F and at least one day past due, with the
-- state of their document in the dunning extract in force at F
open_overdue_invoices as (
    select
        closed_fiscal_years.fiscal_year_end,
        open_invoice_intervals.company_code,
        open_invoice_intervals.customer_code,
        open_invoice_intervals.document_number,
        open_invoice_intervals.open_amount as amount,
        {{ ar_days_between('open_invoice_intervals.due_date', 'closed_fiscal_years.fiscal_year_end') }}
            as days_late,
        disputes.company_code is not null as is_disputed
    from closed_fiscal_years
    inner join open_invoice_intervals
        on {{ ar_valid_on('open_invoice_intervals', 'closed_fiscal_years.fiscal_year_end') }}
    left join disputes
        on
            open_invoice_intervals.company_code = disputes.company_code
            and open_invoice_intervals.customer_code = disputes.customer_code
            and open_invoice_intervals.document_number = disputes.document_number
            and {{ ar_valid_on('disputes', 'closed_fiscal_years.fiscal_year_end') }}
    where
        open_invoice_intervals.open_amount <> 0
        and open_invoice_intervals.due_date < closed_fiscal_years.fiscal_year_end
),

-- Table II: invoice items whose lettering group settled them in full during
-- the year, after their due date; the whole item amount counts
late_settled_invoices as (
    select
        closed_fiscal_years.fiscal_year_end,
        entries.company_code,
        entries.customer_code,
        entries.document_number,
        entries.amount,
        {{ ar_days_between('entries.due_date', 'settled_debits.effective_date') }}
            as days_late
    from settled_debits
    inner join entries
        on
            settled_debits.company_code = entries.company_code
            and settled_debits.entry_id = entries.entry_id
    inner join closed_fiscal_years
        on
            settled_debits.effective_date > closed_fiscal_years.previous_fiscal_year_end
            and settled_debits.effective_date <= closed_fiscal_years.fiscal_year_end
    where
        entries.document_type = 'invoice'
        and entries.amount > 0
        and settled_debits.effective_date > entries.due_date
),

banded_items as (
    select
        fiscal_year_end,
        company_code,
        'I' as table_code,
        case
            when is_disputed then 'excluded_disputed'
            when days_late <= 30 then '1_30'
            when days_late <= 60 then '31_60'
            when days_late <= 90 then '61_90'
            else '91_plus'
        end as lateness_band,
        customer_code,
        document_number,
        amount
    from open_overdue_invoices
    union all
    select
        fiscal_year_end,
        company_code,
        'II' as table_code,
        case
            when days_late <= 30 then '1_30'
            when days_late <= 60 then '31_60'
            when days_late <= 90 then '61_90'
            else '91_plus'
        end as lateness_band,
        customer_code,
        document_number,
        amount
    from late_settled_invoices
),

-- one row per document and band; the total band is the four day bands
-- together, where a document in two bands counts once
band_documents as (
    select
        fiscal_year_end,
        company_code,
        table_code,
        lateness_band,
        customer_code,
        document_number,
        sum(amount) as amount
    from banded_items
    group by fiscal_year_end, company_code, table_code, lateness_band, customer_code, document_number
    union all
    select
        fiscal_year_end,
        company_code,
        table_code,
        'total' as lateness_band,
        customer_code,
        document_number,
        sum(amount) as amount
    from banded_items
    where lateness_band <> 'excluded_disputed'
    group by fiscal_year_end, company_code, table_code, customer_code, document_number
),

band_figures as (
    select
        fiscal_year_end,
        company_code,
        table_code,
        lateness_band,
        count(*) as invoice_count,
        sum(amount) as amount
    from band_documents
    group by fiscal_year_end, company_code, table_code, lateness_band
),

-- the year's bases: revenue = net credit sales (invoices and credit notes
-- posted in the year); invoices issued = documents and amounts of the
-- invoice items posted in the year
year_entries as (
    select
        closed_fiscal_years.fiscal_year_end,
        entries.company_code,
        entries.customer_code,
        entries.document_number,
        entries.document_type,
        entries.amount
    from entries
    inner join closed_fiscal_years
        on
            entries.posting_date > closed_fiscal_years.previous_fiscal_year_end
            and entries.posting_date <= closed_fiscal_years.fiscal_year_end
    where entries.document_type in ('invoice', 'credit_note')
),

issued_invoice_documents as (
    select
        fiscal_year_end,
        company_code,
        customer_code,
        document_number,
        sum(amount) as amount
    from year_entries
    where document_type = 'invoice' and amount > 0
    group by fiscal_year_end, company_code, customer_code, document_number
),

revenue as (
    select
        fiscal_year_end,
        company_code,
        sum(amount) as revenue
    from year_entries
    group by fiscal_year_end, company_code
),

issued_invoices as (
    select
        fiscal_year_end,
        company_code,
        count(*) as issued_invoice_count,
        sum(amount) as issued_invoice_amount
    from issued_invoice_documents
    group by fiscal_year_end, company_code
),

-- every band of every table exists for each year end and company
figures as (
    select
        closed_fiscal_years.fiscal_year_end,
        {{ ar_add_days('closed_fiscal_years.previous_fiscal_year_end', 1) }} as fiscal_year_start,
        closed_fiscal_years.is_latest_fiscal_year,
        companies.company_code,
        bands.table_code,
        tables.table_label_fr,
        tables.table_label_en,
        bands.lateness_band,
        bands.lateness_band_order,
        bands.lateness_band_label_fr,
        bands.lateness_band_label_en,
        bands.min_days_late,
        bands.max_days_late,
        coalesce(band_figures.invoice_count, 0) as invoice_count,
        coalesce(band_figures.amount, 0) as amount,
        coalesce(revenue.revenue, 0) as revenue,
        coalesce(issued_invoices.issued_invoice_count, 0) as issued_invoice_count,
        coalesce(issued_invoices.issued_invoice_amount, 0) as issued_invoice_amount
    from closed_fiscal_years
    cross join companies
    cross join bands
    inner join tables
        on bands.table_code = tables.table_code
    left join band_figures
        on
            closed_fiscal_years.fiscal_year_end = band_figures.fiscal_year_end
            and companies.company_code = band_figures.company_code
            and bands.table_code = band_figures.table_code
            and bands.lateness_band = band_figures.lateness_band
    left join revenue
        on
            closed_fiscal_years.fiscal_year_end = revenue.fiscal_year_end
            and companies.company_code = revenue.company_code
    left join issued_invoices
        on
            closed_fiscal_years.fiscal_year_end = issued_invoices.fiscal_year_end
            and companies.company_code = issued_invoices.company_code
)

select
    cast(fiscal_year_end as date) as fiscal_year_end,
    cast(fiscal_year_start as date) as fiscal_year_start,
    cast(company_code as {{ dbt.type_string() }}) as company_code,
    cast(table_code as {{ dbt.type_string() }}) as table_code,
    cast(table_label_fr as {{ dbt.type_string() }}) as table_label_fr,
    cast(table_label_en as {{ dbt.type_string() }}) as table_label_en,
    cast(lateness_band as {{ dbt.type_string() }}) as lateness_band,
    cast(lateness_band_order as integer) as lateness_band_order,
    cast(lateness_band_label_fr as {{ dbt.type_string() }}) as lateness_band_label_fr,
    cast(lateness_band_label_en as {{ dbt.type_string() }}) as lateness_band_label_en,
    cast(min_days_late as integer) as min_days_late,
    cast(max_days_late as integer) as max_days_late,
    cast(invoice_count as integer) as invoice_count,
    cast(amount as decimal(18, 2)) as amount,
    -- table I: share of the year's revenue (the disputed band too)
    cast(
        case
            when table_code = 'I' and revenue > 0 then {{ ar_divide('amount', 'revenue') }} * 100
        end
        as decimal(18, 6)
    ) as pct_of_revenue,
    -- table II: shares of the invoices issued in the year, by number and amount
    cast(
        case
            when table_code = 'II' and issued_invoice_count > 0
                then {{ ar_divide('cast(invoice_count as decimal(18, 2))', 'issued_invoice_count') }} * 100
        end
        as decimal(18, 6)
    ) as pct_of_invoice_count,
    cast(
        case
            when table_code = 'II' and issued_invoice_amount > 0
                then {{ ar_divide('amount', 'issued_invoice_amount') }} * 100
        end
        as decimal(18, 6)
    ) as pct_of_invoice_amount,
    cast(revenue as decimal(18, 2)) as revenue,
    cast(issued_invoice_count as integer) as issued_invoice_count,
    cast(issued_invoice_amount as decimal(18, 2)) as issued_invoice_amount,
    cast('TTC' as {{ dbt.type_string() }}) as amounts_basis,
    cast(is_latest_fiscal_year as boolean) as is_latest_fiscal_year
from figures
order by fiscal_year_end, company_code, table_code, lateness_band_order
