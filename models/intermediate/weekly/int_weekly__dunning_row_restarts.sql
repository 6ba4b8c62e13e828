{#- Which dunning rows this build computes again in the models kept per
    extract row (int_documents__dunning_rows, int_dunning__level_reaches),
    docs/weekly-runs.md. Two kinds of row:
      - per company (customer_code null): the rows of extracts on or after
        `restart_date` are computed again, the earlier ones stay. The
        restart is the company's last extract the previous build kept
        before the first changed extract (int_weekly__restatement's
        `dunning_restate_from_date`) and on or before the as-of date: that
        extract's "next extract" is the first one that may have changed,
        and the rows an earlier as-of date left out come after it. A
        company with no such extract (a full restatement, a change before
        its first extract) has 1900-01-01: all its rows;
      - per customer new to the books since the previous build (restart
        1900-01-01): its documents' rows take the collector of its new
        master row, on every extract.
    A company with no row here (new since the previous build) is computed
    from its first extract. The previous build's tables are read as the
    build finds them, before the models above replace them; empty on a
    first build or a --full-refresh (everything is computed). -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
-- depends_on: {{ ref('int_weekly__input_fingerprints') }}
-- depends_on: {{ ref('int_calendar__as_of') }}
{{ config(materialized='table') }}
{%- set previous_rows = adapter.get_relation(
        database=this.database, schema=this.schema, identifier='int_documents__dunning_rows') %}
{%- set previous_fingerprints = adapter.get_relation(
        database=this.database, schema=this.schema, identifier='int_weekly__input_fingerprints_previous') %}

{%- if previous_rows is not none and previous_fingerprints is not none and not flags.FULL_REFRESH %}

with

previous_extracts as (
    select distinct
        company_code,
        extracted_at
    from {{ previous_rows }}
),

restatement as (
    select * from {{ ref('int_weekly__restatement') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

company_restarts as (
    select
        previous_extracts.company_code,
        coalesce(
            max(
                case
                    when
                        (
                            restatement.dunning_restate_from_date is null
                            or previous_extracts.extracted_at < restatement.dunning_restate_from_date
                        )
                        and previous_extracts.extracted_at <= as_of.as_of_date
                        then previous_extracts.extracted_at
                end
            ),
            cast('1900-01-01' as date)
        ) as restart_date
    from previous_extracts
    cross join restatement
    cross join as_of
    group by previous_extracts.company_code
),

new_customers as (
    select
        current_fingerprints.company_code,
        current_fingerprints.fingerprint_key as customer_code
    from {{ ref('int_weekly__input_fingerprints') }} as current_fingerprints
    where
        current_fingerprints.fingerprint_kind = 'customer'
        and not exists (
            select 1
            from {{ previous_fingerprints }} as previous
            where
                previous.fingerprint_kind = 'customer'
                and previous.company_code = current_fingerprints.company_code
                and previous.fingerprint_key = current_fingerprints.fingerprint_key
        )
)

select
    company_code,
    cast(null as {{ dbt.type_string() }}) as customer_code,
    restart_date
from company_restarts
union all
select
    company_code,
    customer_code,
    cast('1900-01-01' as date) as restart_date
from new_customers
{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as company_code,
    cast(null as {{ dbt.type_string() }}) as customer_code,
    cast(null as date) as restart_date
from {{ ref('int_weekly__restatement') }}
where 1 = 0
{%- endif %}
