{#- Incremental weekly marts (docs/weekly-runs.md).

    The weekly marts hold one row set per snapshot date. A scheduled run
    recomputes only the snapshots on or after `restate_from_date`
    (int_weekly__restatement): the earliest date any change since the
    previous build can reach. The pre-hook deletes those snapshots, the model
    selects them again; everything older stays as built. A first build, a
    `--full-refresh`, a change of settings or model code restate everything,
    so an incremental run always equals a full rebuild (tested by
    tests/python/test_incremental.py over a sequence of weekly deliveries). -#}

{#- materialization of the weekly marts: incremental where the engine can
    delete rows (DuckDB, PostgreSQL); plain parquet tables on Spark cannot,
    so there they are rebuilt (on Delta, the same delete works) -#}
{% macro ar_weekly_materialization() -%}
    {{ return('table' if target.type in ('spark', 'databricks') else 'incremental') }}
{%- endmacro %}

{#- pre-hook: drop the snapshots about to be recomputed -#}
{% macro ar_delete_restated_snapshots(date_column='snapshot_date') -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where {{ date_column }} >= (select restate_from_date from {{ ref('int_weekly__restatement') }})
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{#- in the model: only the snapshots being recomputed -#}
{% macro ar_restated_snapshots_only(date_column='snapshot_date') -%}
    {%- if is_incremental() -%}
    {{ date_column }} >= (select restate_from_date from {{ ref('int_weekly__restatement') }})
    {%- else -%}
    1 = 1
    {%- endif -%}
{%- endmacro %}

{#- What else than data decides the weekly marts' content: the vars and the
    code of every model and seed (dbt's checksums), and of the macros they
    call (`ar_code_digest`, a digest of models/, macros/, seeds/ and
    dbt_project.yml that `arw build` passes; a plain `dbt build` without it
    differs from an `arw build`, so switching between them restates all). A
    change to any of them restates every snapshot. -#}
{% macro ar_weekly_settings_digest() -%}
    {%- set parts = ['code=' ~ var('ar_code_digest', '')] -%}
    {%- for name in ['default_company_code', 'default_payment_terms_days', 'snapshot_weekday',
                     'age_bucket_bounds', 'max_text_length', 'fec_receivable_account_prefixes'] -%}
        {%- do parts.append(name ~ '=' ~ tojson(var(name))) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id')
              if node.resource_type in ('model', 'seed') -%}
            {%- do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(local_md5(parts | join(';'))) }}
{%- endmacro %}

{#- Incremental intermediate chain (docs/weekly-runs.md): the item-grain and
    document-grain intermediates keep the rows of the items a build does not
    recompute (int_weekly__restated_items says which it does). The pre-hook
    deletes the rows of the recomputed items, the model selects them again.
    `keys`: the columns naming an item (company_code, entry_id) or a document
    (company_code, customer_code, document_number). Not incremental (first
    build, --full-refresh, Spark): nothing deleted, every item selected. -#}
{% macro ar_delete_restated_items(keys=['company_code', 'entry_id']) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as target
    where exists (
        select 1
        from {{ ref('int_weekly__restated_items') }} as restated
        where
            {% for key in keys -%}
            {{ 'and ' if not loop.first }}restated.{{ key }} = target.{{ key }}
            {% endfor %}
    )
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{#- in the model: only the rows of the items being recomputed -#}
{% macro ar_restated_items_only(alias, keys=['company_code', 'entry_id']) -%}
    {%- if is_incremental() -%}
    exists (
        select 1
        from {{ ref('int_weekly__restated_items') }} as restated
        where
            {% for key in keys -%}
            {{ 'and ' if not loop.first }}restated.{{ key }} = {{ alias }}.{{ key }}
            {% endfor %}
    )
    {%- else -%}
    1 = 1
    {%- endif -%}
{%- endmacro %}

{#- pre-hook of int_dunning__document_state_intervals: drop the intervals that
    reach the first changed extract (nothing when no extract changed) -#}
{% macro ar_delete_restated_dunning_intervals() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as target
    where exists (
        select 1
        from {{ ref('int_weekly__restatement') }} as restatement
        where
            restatement.dunning_restate_from_date is not null
            and (
                target.valid_until is null
                or target.valid_until >= restatement.dunning_restate_from_date
            )
    )
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{#- The item state runs (int_ageing__item_state_runs) an incremental weekly
    model built from running sums needs: the full set on a full build; in a
    scheduled run, only the runs still open on the snapshot `lookback`
    snapshots before the first restated one, each entering its key on that
    snapshot at the earliest (`entry_snapshot_index`). The accounting: a
    running sum of the runs' amounts at snapshot k is the total of the runs
    open at k, so starting the sums from the runs open at that snapshot gives
    the same positions from there on, without reading closed history.
    `lookback` 1: the model also reads the position just before the first
    restated snapshot (the customer positions' previous balance). -#}
{% macro ar_runs_from_restated_snapshots(lookback=0) -%}
    {%- if is_incremental() -%}
    select
        runs.*,
        case
            when runs.first_snapshot_index < restated_start.snapshot_index then restated_start.snapshot_index
            else runs.first_snapshot_index
        end as entry_snapshot_index
    from {{ ref('int_ageing__item_state_runs') }} as runs
    cross join (
        -- the first restated snapshot (after the last one when none is), less the lookback
        select
            coalesce(
                min(case when snapshots.snapshot_date >= restatement.restate_from_date then snapshots.snapshot_index end),
                max(snapshots.snapshot_index) + 1
            ) - {{ lookback }} as snapshot_index
        from {{ ref('int_calendar__snapshot_dates') }} as snapshots
        cross join {{ ref('int_weekly__restatement') }} as restatement
    ) as restated_start
    where runs.end_snapshot_index is null or runs.end_snapshot_index > restated_start.snapshot_index
    {%- else -%}
    select
        runs.*,
        runs.first_snapshot_index as entry_snapshot_index
    from {{ ref('int_ageing__item_state_runs') }} as runs
    {%- endif -%}
{%- endmacro %}

{#- The dunning rows a build computes again (int_weekly__dunning_row_restarts):
    on or after their company's restart date (every row of a company without
    one), and every row of a customer new to the books. `date_column`: the
    extract date of the row (extracted_at; reached_on for the level reaches).
    Not incremental: every row. -#}
{% macro ar_recomputed_dunning_rows_only(alias, date_column='extracted_at') -%}
    {%- if is_incremental() -%}
    {{ ar_dunning_rows_from_restarts(alias, date_column, ref('int_weekly__dunning_row_restarts')) }}
    {%- else -%}
    1 = 1
    {%- endif -%}
{%- endmacro %}

{#- the predicate itself, on the restarts table `restarts` (the scoped tests
    read it too, macros/weekly/restated_rows.sql); every row when it is empty -#}
{% macro ar_dunning_rows_from_restarts(alias, date_column, restarts) -%}
    (
        {{ alias }}.{{ date_column }} >= coalesce((
            select max(restarts.restart_date)
            from {{ restarts }} as restarts
            where restarts.company_code = {{ alias }}.company_code and restarts.customer_code is null
        ), cast('1900-01-01' as date))
        or exists (
            select 1
            from {{ restarts }} as restarts
            where
                restarts.company_code = {{ alias }}.company_code
                and restarts.customer_code = {{ alias }}.customer_code
        )
    )
{%- endmacro %}

{#- The rows of the models kept per document and dunning row (level reaches,
    blocking episodes, promises) that a build computes again: every row of a
    document whose open debit steps were recomputed (int_weekly__restated_items),
    and the rows dated (`date_column`) on a recomputed dunning row. -#}
{% macro ar_recomputed_for_dunning(alias, date_column) -%}
    (
        {{ ar_restated_items_only(alias, ['company_code', 'customer_code', 'document_number']) }}
        or {{ ar_recomputed_dunning_rows_only(alias, date_column) }}
    )
{%- endmacro %}

{#- pre-hook of the models kept per dunning row: drop the rows computed again -#}
{% macro ar_delete_recomputed_dunning_rows(date_column='extracted_at') -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as target
    where {{ ar_recomputed_dunning_rows_only('target', date_column) }}
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{#- pre-hook of int_dunning__level_reaches (`reached_on`) and int_blocking__episodes
    (`blocked_through`): drop the rows ar_recomputed_for_dunning names -#}
{% macro ar_delete_recomputed_for_dunning(date_column) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as target
    where {{ ar_recomputed_for_dunning('target', date_column) }}
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{#- pre-hook of the monthly intermediates kept per month: drop the months from
    the first day of the earliest changed date's month on (nothing when
    nothing changed) -#}
{% macro ar_delete_restated_months(date_column='month_start_date') -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where {{ date_column }} >= (select item_restate_from_date from {{ ref('int_weekly__restatement') }})
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}


{#- The promises a build computes again (int_promises__evaluated): those of
    the restated documents, those made on a recomputed dunning row, and every
    one not judged for good, its check date after the previous build's or
    this build's as-of date (pending then or now). `made_on`: the column of
    the extract that made it; `check_date`: the expression of its check date.
    Not incremental: every one. -#}
{% macro ar_restated_promises_only(alias, made_on, check_date) -%}
    {%- if is_incremental() -%}
    (
        {{ ar_recomputed_for_dunning(alias, made_on) }}
        or exists (
            select 1
            from {{ ref('int_weekly__restatement') }} as restatement
            cross join {{ ref('int_calendar__as_of') }} as as_of
            where
                {{ check_date }} > coalesce(restatement.previous_as_of_date, cast('1900-01-01' as date))
                or {{ check_date }} > as_of.as_of_date
        )
    )
    {%- else -%}
    1 = 1
    {%- endif -%}
{%- endmacro %}

{#- pre-hook of int_promises__evaluated: drop the promises computed again -#}
{% macro ar_delete_restated_promises() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as target
    where {{ ar_restated_promises_only('target', 'promised_on', 'target.check_date') }}
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}
