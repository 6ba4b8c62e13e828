{#- Hooks run by dbt_project.yml around the models: grants (on-run-end) and
    planner statistics (post-hook). Engine-specific, behind adapter.dispatch. -#}

{#- on-run-end: the BI role may use the marts schema (dbt `grants` give it
    select on each mart table). PostgreSQL only: DuckDB has no roles, and
    Spark / Databricks permissions live in the catalog (Unity Catalog grants),
    outside this project. Nothing when the role is empty or the schema was not
    built by this run. -#}
{% macro ar_grant_schema_usage(schema_name, role) -%}
    {{ return(adapter.dispatch('ar_grant_schema_usage', 'ar_warehouse')(schema_name, role)) }}
{%- endmacro %}

{% macro default__ar_grant_schema_usage(schema_name, role) -%}
{%- endmacro %}

{% macro postgres__ar_grant_schema_usage(schema_name, role) -%}
    {%- if role and execute -%}
        do $$
        begin
            if exists (select from pg_namespace where nspname = '{{ schema_name }}') then
                execute format('grant usage on schema %I to %I', '{{ schema_name }}', '{{ role }}');
            end if;
        end
        $$
    {%- endif -%}
{%- endmacro %}

{#- post-hook of every model: fresh planner statistics for a table just
    built. PostgreSQL collects none on create table as (autovacuum comes
    later), and its estimates of the staging filters are then off by orders of
    magnitude. DuckDB and Spark (local, no cost-based optimizer by default)
    need nothing. -#}
{% macro ar_refresh_statistics() -%}
    {{ return(adapter.dispatch('ar_refresh_statistics', 'ar_warehouse')()) }}
{%- endmacro %}

{% macro default__ar_refresh_statistics() -%}
{%- endmacro %}

{% macro postgres__ar_refresh_statistics() -%}
    {%- if model.config.materialized in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
