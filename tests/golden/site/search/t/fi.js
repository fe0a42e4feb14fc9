KB_SEARCH.shard(["fi",{"financial":[0,2,1,2,2,2]}]);
