"""Notices to enterprises and departments (告知书, 一企一函) and their webhook delivery."""
