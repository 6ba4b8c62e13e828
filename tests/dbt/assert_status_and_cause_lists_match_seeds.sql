{#- The column-per-status marts (top customers) use the lists of the
    ar_dunning_status_codes / ar_blocking_cause_codes macros: they must be
    exactly the canonical codes of the seeds. -#}
with

listed as (
    {%- for code in ar_dunning_status_codes() %}
    select
        'status' as kind,
        '{{ code }}' as code
    union all
    {%- endfor %}
    {%- for code in ar_blocking_cause_codes() %}
    select
        'cause' as kind,
        '{{ code }}' as code
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

seeded as (
    select
        'status' as kind,
        dunning_status as code
    from {{ ref('ar_dunning_statuses') }}
    union all
    select
        'cause' as kind,
        blocking_cause as code
    from {{ ref('ar_blocking_causes') }}
)

select
    coalesce(listed.kind, seeded.kind) as kind,
    listed.code as listed_code,
    seeded.code as seeded_code
from listed
full outer join seeded
    on
        listed.kind = seeded.kind
        and listed.code = seeded.code
where listed.code is null or seeded.code is null
