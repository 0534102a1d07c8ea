"""Authorities: codes, names, tier, population and boundaries."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from sharedopt.data.paths import data_dir
from sharedopt.data.us_regions import us_region_names
from sharedopt.data.validate import (
    DataQuality, check_area, check_boundary_codes, check_coordinates, check_geometry, check_polygons, check_population,
    require_file,
)
from sharedopt.common.errors import DataError
from sharedopt.common.literal import cut
from sharedopt.common.suggest import did_you_mean

LAD_FILE = "raw/boundaries/lad_dec2024_uk_buc.topojson"
LAD_MAP_FILE = "raw/boundaries/lad_dec2024_uk_bgc.topojson"
CUA_FILE = "raw/boundaries/cua_dec2024_uk_buc.topojson"
ATTRIBUTES_FILE = "derived/authorities.csv"
NATIONS = {"england": "England", "wales": "Wales", "scotland": "Scotland",
           "northern-ireland": "Northern Ireland"}


def slug(text: str) -> str:
    """Lower-case, hyphen-separated form of a name ("North East" -> "north-east")."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def council_names(authorities) -> dict[str, str]:
    """Council code -> name of an authorities table (empty when it has no ``name`` column).

    The one code -> name mapping: the summary, the report and the notebook view read it here.
    """
    if "name" not in getattr(authorities, "columns", ()):
        return {}
    return {str(k): str(v) for k, v in authorities["name"].items()}


@lru_cache(maxsize=1)
def authority_table() -> pd.DataFrame:
    """The embedded attribute table (no geometry), indexed by GSS code."""
    path = require_file(data_dir() / ATTRIBUTES_FILE, "authority table")
    table = pd.read_csv(path, dtype={"parent_county": "string"}).set_index("code")
    table["parent_county"] = table["parent_county"].astype(object).where(table["parent_county"].notna(), None)
    return table


def region_names() -> dict[str, str]:
    """Region names accepted by :func:`load_authorities` with a description of each."""
    table = authority_table()
    names = {key: f"{value} (nation)" for key, value in NATIONS.items()}
    for region in sorted(table.loc[table["nation"] == "England", "region"].dropna().unique()):
        names[slug(region)] = f"{region} (English region)"
    for code, row in table[table["tier"] == "county"].sort_values("name").iterrows():
        names[slug(row["name"])] = f"{row['name']} county area ({code} and its districts)"
    names.update(us_region_names())
    return names


def resolve_region(region: str | list[str]) -> list[str]:
    """GSS codes of the authorities in ``region`` (a name or a list of codes)."""
    table = authority_table()
    if not isinstance(region, str):
        codes = [str(c) for c in region]
        unknown = [c for c in codes if c not in table.index]
        if unknown:
            hints = "".join(did_you_mean(c, table.index, dict(table["name"]), cutoff=0.85).replace(
                "; did you mean", f"; for '{c}' did you mean") for c in unknown)
            raise DataError(f"region: unknown GSS code(s) {', '.join(unknown)}{hints}; "
                            "run `sharedopt list regions` or check the code (e.g. E06000001)",
                            setting=("region", "codes"))
        if len(set(codes)) != len(codes):
            dups = sorted({c for c in codes if codes.count(c) > 1})
            raise DataError(f"region: duplicate GSS code(s) {', '.join(dups)}; list each once",
                            setting=("region", "codes"))
        return sorted(codes)
    key = slug(region)
    if key in NATIONS:
        mask = table["nation"] == NATIONS[key]
    elif key in {slug(r) for r in table["region"].dropna().unique()}:
        mask = (table["nation"] == "England") & (table["region"].map(slug) == key)
    else:
        counties = table[(table["tier"] == "county") & (table["name"].map(slug) == key)]
        if counties.empty:
            raise DataError(f"region: unknown region '{cut(region)}'{did_you_mean(key, region_names())}; "
                            "use a nation, an English region, "
                            f"a county name or a list of GSS codes (known: {', '.join(region_names())})",
                            setting=("region", "name"))
        code = counties.index[0]
        mask = (table.index == code) | (table["parent_county"] == code)
    return sorted(table.index[mask])


@lru_cache(maxsize=2)
def _boundaries(detail: str) -> gpd.GeoSeries:
    files = [LAD_MAP_FILE if detail == "map" else LAD_FILE, CUA_FILE]
    parts = []
    for rel in files:
        gdf = gpd.read_file(require_file(data_dir() / rel, "boundary file"))
        if rel == CUA_FILE:
            gdf = gdf[gdf["AREACD"].str.startswith("E10")]
        parts.append(gdf.set_index("AREACD").geometry)
    geoms = pd.concat(parts)
    return gpd.GeoSeries(geoms, crs="EPSG:4326")


def repair_geometry(geoms: gpd.GeoSeries, file: str, quality: DataQuality | None = None) -> gpd.GeoSeries:
    """Repair invalid polygons with ``shapely.make_valid`` and keep only their areal parts."""
    invalid = ~geoms.is_valid
    fixed = geoms.copy()
    if invalid.any():
        repaired = shapely.make_valid(geoms[invalid].to_numpy())
        fixed[invalid] = [_polygonal(g) for g in repaired]
        if quality is not None:
            for code in geoms.index[invalid]:
                quality.add(file=file, code=str(code), field="geometry",
                            issue="invalid polygon (self-touching ring after generalisation)",
                            action="repaired with shapely.make_valid")
    return fixed


def _polygonal(geom):
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else geom


def load_authorities(region: str | list[str], detail: str = "analysis",
                     quality: DataQuality | None = None) -> gpd.GeoDataFrame:
    """Load the authorities of a region with their attributes and boundaries.

    Parameters
    ----------
    region : str or list of str
        A nation (``"england"``, ``"wales"``, ``"scotland"``), an English region
        (``"north-east"``), a two-tier county area (``"kent"``) or a list of GSS codes.
    detail : {"analysis", "map"}
        ``"analysis"`` uses the ultra-generalised (500 m) boundaries, ``"map"`` the
        generalised (20 m) ones for lower-tier areas.
    quality : DataQuality, optional
        Receives a line for every repaired geometry.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by GSS code (``code``): ``name``, ``nation``, ``region``, ``tier``,
        ``parent_county``, ``population`` (ONS mid-2022), ``centroid_lon``,
        ``centroid_lat``, ``area_km2`` and ``geometry`` (EPSG:4326, repaired).
    """
    codes = resolve_region(region)
    table = authority_table().loc[codes]
    geoms = _boundaries(detail).reindex(codes)
    gdf = gpd.GeoDataFrame(table, geometry=geoms, crs="EPSG:4326")
    gdf.index.name = "code"
    check_geometry(gdf, data_dir().name + "/" + LAD_FILE)
    county = (gdf["tier"] == "county").to_numpy()
    gdf.loc[~county, "geometry"] = repair_geometry(gdf.geometry[~county], LAD_FILE, quality)
    gdf.loc[county, "geometry"] = repair_geometry(gdf.geometry[county], CUA_FILE, quality)
    gdf["population"] = gdf["population"].astype(float)
    check_population(gdf["population"], ATTRIBUTES_FILE)
    return gdf


def load_user_boundaries(path: str | Path, code_field: str = "code", name_field: str = "name",
                         population_field: str = "population", tier: str = "unitary",
                         quality: DataQuality | None = None) -> gpd.GeoDataFrame:
    """Load a user's boundary file (any format GDAL reads) as an authorities table.

    The file needs a GSS code, a name and a population per feature; its CRS must
    be set. Geometries are repaired and returned in EPSG:4326.
    """
    path = require_file(Path(path), "boundary file")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]  # never the whole file
        raise DataError(f"{path}: cannot read the boundary file ({reason}); give a file GDAL reads "
                        "(GeoPackage, GeoJSON, Shapefile, TopoJSON...)") from exc
    for field in (code_field, name_field, population_field):
        if field not in gdf.columns:
            fields = [str(c)[:40] for c in gdf.columns if c != "geometry"]
            shown = ", ".join(fields[:12]) + (f" and {len(fields) - 12:,} more" if len(fields) > 12 else "")
            raise DataError(f"{path}: field '{field}' is missing (fields: {shown}); "
                            "name the fields in [region] code_field/name_field/population_field")
    gdf = gdf.rename(columns={code_field: "code", name_field: "name", population_field: "population"})
    check_boundary_codes(gdf["code"], str(path), code_field)
    gdf = gdf.set_index(gdf["code"].astype(str).str.strip().rename("code"))
    check_geometry(gdf, str(path))
    check_coordinates(gdf, str(path))
    check_polygons(gdf, str(path))
    gdf = gdf.to_crs("EPSG:4326")
    gdf["geometry"] = repair_geometry(gdf.geometry, str(path), quality)
    check_polygons(gdf, str(path), repaired=True)
    gdf["population"] = pd.to_numeric(gdf["population"], errors="coerce")
    check_population(gdf["population"], str(path))
    for col, default in (("nation", ""), ("region", ""), ("tier", tier), ("parent_county", None)):
        if col not in gdf.columns:
            gdf[col] = default
    centroids = gdf.to_crs("EPSG:27700").centroid.to_crs("EPSG:4326")
    gdf["centroid_lon"], gdf["centroid_lat"] = centroids.x, centroids.y
    gdf["area_km2"] = gdf.to_crs("EPSG:27700").area / 1e6
    check_area(gdf["area_km2"], str(path))
    cols = ["name", "nation", "region", "tier", "parent_county", "population",
            "centroid_lon", "centroid_lat", "area_km2", "geometry"]
    return gdf[cols].sort_index()
