"""solve/backends"""
