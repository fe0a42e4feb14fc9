KB_SEARCH.shard(["md",{"md":[2,2],"mda":[2,2]}]);
