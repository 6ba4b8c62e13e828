{#- Incremental typed staging (docs/weekly-runs.md, "Typed staging").

    A landed file's rows are typed once: the typed staging models keep the
    rows of every file they typed before, as long as the landing still holds
    that file as it was then (same name, same `loaded_at` in
    landing.landed_files: a changed or re-delivered file is landed again
    with a new `loaded_at`, a vanished one is gone) and the code and
    settings that typed it are unchanged (`staged_with`, the digest of
    ar_weekly_settings_digest: a changed mapping seed, var or macro retypes
    every row). The pre-hook deletes the rows that fail either test; the
    model then types the files of landed_files it does not hold. Not
    incremental (first build, --full-refresh, Spark): everything typed. -#}

{#- the digest stamped on every typed row: what typed it -#}
{% macro ar_staged_with() -%}
    cast('{{ ar_weekly_settings_digest() }}' as {{ dbt.type_string() }})
{%- endmacro %}

{#- when the row was typed: the start of the dbt invocation that typed it
    (one clock, the build machine's: read as a high-water mark by the models
    that recompute only what was typed since they last ran) -#}
{% macro ar_staged_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- pre-hook: drop the typed rows of files no longer landed as they were, or
    typed by other code or settings. `source_name`: the landing folder
    ('dunning'), or none when the model's column `source_name` holds it. -#}
{% macro ar_delete_unstaged_files(source_name=none) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as target
    where
        coalesce(target.staged_with, '') <> {{ ar_staged_with() }}
        or not exists (
            select 1
            from {{ source('landing', 'landed_files') }} as landed
            where
                landed.source_name = {{ "'" ~ source_name ~ "'" if source_name else 'target.source_name' }}
                and landed.source_file = target.source_file
                and landed.loaded_at = target.loaded_at
        )
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{#- in the model: the landed rows of `relation` still to be typed, i.e. of
    the files of landed_files (source `source_name`, a literal) the model does
    not hold. `held_filter`: a condition on the model's rows naming that
    source, when the model holds several (stg_ledger__lines: ledger and fec). -#}
{% macro ar_rows_to_stage(relation, source_name, held_filter=none) -%}
    {%- if is_incremental() -%}
    select landed_rows.*
    from {{ relation }} as landed_rows
    inner join (
        select
            landed.source_file,
            landed.loaded_at
        from {{ source('landing', 'landed_files') }} as landed
        where
            landed.source_name = {{ source_name }}
            and not exists (
                select 1
                from {{ this }} as held
                where
                    held.source_file = landed.source_file
                    and held.loaded_at = landed.loaded_at
                    {%- if held_filter %}
                    and held.{{ held_filter }}
                    {%- endif %}
            )
    ) as to_stage
        on
            landed_rows.source_file = to_stage.source_file
            and landed_rows.loaded_at = to_stage.loaded_at
    {%- else -%}
    select * from {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- pre-hook of stg_dunning__document_states: drop the extracts (company,
    extraction date) whose picture may have changed: those with valid rows
    typed since the model last read its input (its high-water mark
    `staged_through`), and those whose winning row's file is no longer
    landed as it was (re-delivered or gone). The model then selects every
    extract it does not hold. -#}
{% macro ar_delete_restated_extracts() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as target
    where exists (
        select 1
        from (
            select
                extract_rows.company_code,
                extract_rows.extracted_at
            from {{ ref('stg_dunning__extract_rows') }} as extract_rows
            where
                extract_rows.problem_count = 0
                and extract_rows.staged_at > (
                    select coalesce(max(held.staged_through), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
                    from {{ this }} as held
                )
            union
            select
                held.company_code,
                held.extracted_at
            from {{ this }} as held
            where not exists (
                select 1
                from {{ source('landing', 'landed_files') }} as landed
                where
                    landed.source_name = 'dunning'
                    and landed.source_file = held.source_file
                    and landed.loaded_at = held.loaded_at
            )
        ) as restated
        where
            restated.company_code = target.company_code
            and restated.extracted_at = target.extracted_at
    )
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}
