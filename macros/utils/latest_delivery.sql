{#- Re-deliveries: the CTEs that keep, per key, the row of the latest delivery.

    A row delivered again (a re-exported month, an extract sent twice) replaces
    the earlier one: the file with the latest name (byte order), then the last
    row of that file, wins (docs/definitions/01-ledger-items.md). Most keys are delivered once, so
    only the repeated keys are ranked: a window over every row costs most of a
    typed load (docs/scaling.md), a group-by of the keys a fraction of it.

    Emits three CTEs, to be placed after `rows_cte` in a WITH list:
    `<name>_repeated_keys`, `<name>_winners` and `<name>`: every column of
    `rows_cte` plus `delivery_count` (deliveries of the key, 1 when unique).
    `rows_cte` must carry source_file and source_row_number. -#}
{% macro ar_latest_delivery_ctes(rows_cte, keys, name) -%}
{%- set on_keys -%}
{%- for key in keys %}{{ ' and ' if not loop.first }}{{ rows_cte }}.{{ key }} = {{ name }}_repeated_keys.{{ key }}{% endfor -%}
{%- endset -%}
{{ name }}_repeated_keys as (
    select
        {{ keys | join(', ') }},
        count(*) as delivery_count
    from {{ rows_cte }}
    group by {{ keys | join(', ') }}
    having count(*) > 1
),

{{ name }}_winners as (
    select
        {{ keys | join(', ') }},
        source_file,
        source_row_number,
        delivery_count
    from (
        select
            {%- for key in keys %}
            {{ rows_cte }}.{{ key }},
            {%- endfor %}
            {{ rows_cte }}.source_file,
            {{ rows_cte }}.source_row_number,
            {{ name }}_repeated_keys.delivery_count,
            row_number() over (
                partition by {% for key in keys %}{{ ', ' if not loop.first }}{{ rows_cte }}.{{ key }}{% endfor %}
                order by
                    {{ ar_bytewise(rows_cte ~ '.source_file') }} desc,
                    {{ rows_cte }}.source_row_number desc
            ) as delivery_rank
        from {{ rows_cte }}
        inner join {{ name }}_repeated_keys
            on {{ on_keys }}
    ) as ranked
    where delivery_rank = 1
),

{{ name }} as (
    select
        {{ rows_cte }}.*,
        coalesce({{ name }}_winners.delivery_count, 1) as delivery_count
    from {{ rows_cte }}
    left join {{ name }}_repeated_keys
        on {{ on_keys }}
    left join {{ name }}_winners
        on
            {%- for key in keys %}
            {{ rows_cte }}.{{ key }} = {{ name }}_winners.{{ key }} and
            {%- endfor %}
            {{ rows_cte }}.source_file = {{ name }}_winners.source_file
            and {{ rows_cte }}.source_row_number = {{ name }}_winners.source_row_number
    where
        {{ name }}_repeated_keys.{{ keys[0] }} is null
        or {{ name }}_winners.{{ keys[0] }} is not null
)
{%- endmacro %}
