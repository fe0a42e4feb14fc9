KB_SEARCH.shard(["ca",{"came":[0,1,1,1,2,1],"case":[2,2]}]);
