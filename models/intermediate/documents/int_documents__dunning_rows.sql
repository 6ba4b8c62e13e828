{#- The dunning history the collection-work marts read (docs/definitions/09-documents.md):
    every document row of every extract up to the as-of date (later extracts
    are ignored everywhere), each placed in its company's sequence of
    extracts — which extract it is, and the company's previous and next
    extract — so that "consecutive extracts" (blocking episodes) and "the
    first extract where" (promises, dunning levels) are plain window
    functions. The collector of a row is its own, else the customer master's,
    else '(none)'.

    Incremental (docs/weekly-runs.md): a scheduled run computes again the
    rows int_weekly__dunning_row_restarts names (from each company's last
    kept extract on, whose next extract is new; a new customer's rows) and
    keeps the others, whose extract sequence up to them has not changed. -#}
-- depends_on: {{ ref('int_weekly__dunning_row_restarts') }}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'restated_by': 'dunning_rows'},
    pre_hook="{{ ar_delete_recomputed_dunning_rows() }}"
) }}

with

document_states as (
    select * from {{ ref('stg_dunning__document_states') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

-- the rows computed in this run
extract_rows as (
    select document_states.*
    from document_states
    cross join as_of
    where
        document_states.extracted_at <= as_of.as_of_date
        and {{ ar_recomputed_dunning_rows_only('document_states') }}
),

-- every extract up to the as-of date: a row's place in the sequence
extracts as (
    select
        extract_intervals.company_code,
        extract_intervals.extracted_at
    from {{ ref('int_dunning__extract_intervals') }} as extract_intervals
    cross join as_of
    where extract_intervals.extracted_at <= as_of.as_of_date
),

company_extracts as (
    select
        company_code,
        extracted_at,
        row_number() over (partition by company_code order by extracted_at) as extract_index,
        lag(extracted_at) over (partition by company_code order by extracted_at) as previous_extracted_at,
        lead(extracted_at) over (partition by company_code order by extracted_at) as next_extracted_at
    from extracts
)

select
    extract_rows.company_code,
    extract_rows.customer_code,
    extract_rows.document_number,
    extract_rows.extracted_at,
    cast(company_extracts.extract_index as integer) as extract_index,
    company_extracts.previous_extracted_at,
    company_extracts.next_extracted_at,
    extract_rows.dunning_status,
    extract_rows.dunning_level,
    extract_rows.blocking_cause,
    coalesce(extract_rows.collector, customers.collector, {{ ar_unassigned_collector() }}) as collector,
    extract_rows.promised_date,
    extract_rows.promised_amount,
    extract_rows.last_action_date,
    extract_rows.last_action_type
from extract_rows
inner join company_extracts
    on
        extract_rows.company_code = company_extracts.company_code
        and extract_rows.extracted_at = company_extracts.extracted_at
left join customers
    on
        extract_rows.company_code = customers.company_code
        and extract_rows.customer_code = customers.customer_code
